using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rgsud.Cli.Output;
using Rgsud.Imaging;
using Rgsud.Inference;
using Rgsud.Networks;
using Rgsud.Runtime;
using Rgsud.Weights;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Cli.Commands;

/// <summary><c>rgsud derain</c>: runs a derainer with given weights on an image or a folder, writing PNGs.</summary>
internal static class DerainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var network = new Option<string>("--network")
        {
            Description = $"Network architecture ({string.Join(", ", DerainerRegistry.Names)}).",
            DefaultValueFactory = _ => "prenet",
        };
        var weights = new Option<string?>("--weights")
        {
            Description = "Safetensors file with the network's weights (PyTorch state-dict names). Give this or --model.",
        };
        var model = new Option<string?>("--model")
        {
            Description = "A training run folder (derainer.json + derainer.safetensors), instead of --network/--weights.",
        };
        var tile = new Option<int>("--tile")
        {
            Description = "Tile size for large images (tiles overlap and are blended); images up to 1 Mpx run whole.",
            DefaultValueFactory = _ => TilingOptions.Default.TileSize,
        };
        var overlap = new Option<int>("--overlap")
        {
            Description = "Overlap between tiles in pixels.",
            DefaultValueFactory = _ => TilingOptions.Default.Overlap,
        };
        var input = new Option<string>("--input")
        {
            Description = "An image file, or a folder whose images (png, jpg, webp, bmp, gif, tiff) are all derained.",
            Required = true,
        };
        var output = new Option<string>("--output")
        {
            Description = "Folder for the results, one <input name>.png per input (created if missing).",
            Required = true,
        };
        var device = new Option<string>("--device")
        {
            Description = "Where the network runs.",
            DefaultValueFactory = _ => "cpu",
        };
        device.AcceptOnlyFromAmong("cpu", "cuda");

        var command = new Command("derain", "Derain images with a trained network and write them as PNG files.")
        {
            network, weights, model, input, output, device, tile, overlap,
        };
        command.SetAction(parseResult => console.Guard(() => Run(console,
            parseResult.GetValue(network)!, parseResult.GetValue(weights), parseResult.GetValue(model), parseResult.GetValue(input)!,
            parseResult.GetValue(output)!, parseResult.GetValue(device)!,
            TilingOptions.Default with { TileSize = parseResult.GetValue(tile), Overlap = parseResult.GetValue(overlap) })));
        return command;
    }

    private static int Run(CliConsole console, string networkName, string? weightsPath, string? modelPath, string inputPath,
        string outputDir, string deviceName, TilingOptions tiling)
    {
        tiling.Validate();
        var device = ResolveDevice(deviceName);
        if ((weightsPath is null) == (modelPath is null))
            throw new RgsudException("give either --model RUN_DIR or --network NAME --weights FILE");
        if (modelPath is null) DerainerRegistry.EnsureKnown(networkName);
        var inputs = ListInputs(inputPath);
        var targets = OutputPaths(inputs, outputDir);
        using var net = modelPath is not null ? Derainer.Load(modelPath, device) : Derainer.FromWeights(networkName, weightsPath!, device: device);

        try
        {
            Directory.CreateDirectory(outputDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(outputDir, $"cannot create the output folder: {ex.Message}", ex);
        }

        var total = Stopwatch.StartNew();
        if (console.Interactive && inputs.Count > 1)
        {
            console.Ansi().Progress().AutoClear(false).Start(ctx =>
            {
                var task = ctx.AddTask("derain", maxValue: inputs.Count);
                for (var i = 0; i < inputs.Count; i++)
                {
                    task.Description = Markup.Escape(Path.GetFileName(inputs[i]));
                    DerainOne(net, tiling, inputs[i], targets[i]);
                    task.Increment(1);
                }
                task.Description = "derain";
            });
        }
        else
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                var watch = Stopwatch.StartNew();
                DerainOne(net, tiling, inputs[i], targets[i]);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{i + 1}/{inputs.Count}] {Path.GetFileName(inputs[i])} -> {targets[i]} ({watch.Elapsed.TotalSeconds:F2} s)"));
            }
        }
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"derained {inputs.Count} image{(inputs.Count == 1 ? "" : "s")} into {outputDir} in {total.Elapsed.TotalSeconds:F1} s"));
        return CliApp.Success;
    }

    private static void DerainOne(Derainer net, TilingOptions tiling, string inputPath, string outputPath)
    {
        using var scope = NewDisposeScope();
        var image = ImageIO.Read(inputPath);
        Tensor derained;
        try
        {
            derained = net.Derain(image, tiling);
        }
        catch (Exception ex) when (ex is not RgsudException and not OutOfMemoryException)
        {
            throw new RgsudFileException(inputPath, $"the network failed on this image: {CliConsole.OneLine(ex.Message)}", ex);
        }
        ImageIO.WritePng(derained, outputPath);
    }

    private static List<string> ListInputs(string inputPath)
    {
        if (Directory.Exists(inputPath))
        {
            var images = ImageIO.ListImages(inputPath).ToList();
            if (images.Count == 0) throw new RgsudFileException(inputPath, "the folder holds no images (png, jpg, webp, bmp, gif, tiff)");
            return images;
        }
        if (File.Exists(inputPath)) return [inputPath];
        throw new RgsudFileException(inputPath, "no such file or folder");
    }

    private static List<string> OutputPaths(List<string> inputs, string outputDir)
    {
        var clash = inputs.GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new RgsudException($"inputs {string.Join(", ", clash.Select(Path.GetFileName))} would all be written to {clash.Key}.png; rename or separate them");
        var outputs = inputs.Select(p => Path.Combine(outputDir, Path.GetFileNameWithoutExtension(p) + ".png")).ToList();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (string.Equals(Path.GetFullPath(inputs[i]), Path.GetFullPath(outputs[i]), StringComparison.Ordinal))
                throw new RgsudFileException(inputs[i], "the result would overwrite this input; choose another --output folder");
        }
        return outputs;
    }

    private static Device ResolveDevice(string name)
    {
        if (name == "cpu") return CPU;
        if (!cuda.is_available())
            throw new RgsudException("--device cuda: CUDA is not available (no GPU, no driver, or this rgsud uses the CPU build of libtorch); use --device cpu");
        return CUDA;
    }
}
