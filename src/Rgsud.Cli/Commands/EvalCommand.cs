using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rgsud.Cli.Output;
using Rgsud.IO;
using Rgsud.Data;
using Rgsud.Imaging;
using Rgsud.Metrics;
using Spectre.Console;
using static TorchSharp.torch;

namespace Rgsud.Cli.Commands;

/// <summary><c>rgsud eval</c>: PSNR/SSIM of a folder of predictions against a folder of ground truth.</summary>
internal static class EvalCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var pred = new Option<string>("--pred")
        {
            Description = "Folder of predictions (derained images).",
            Required = true,
        };
        var gt = new Option<string>("--gt")
        {
            Description = "Folder of ground-truth images; paired by identical name, else by the last number in the name (rain-071 <-> norain-071).",
            Required = true,
        };
        var channel = new Option<string>("--channel")
        {
            Description = "Compare the MATLAB Y (luma) channel or all RGB channels.",
            DefaultValueFactory = _ => "y",
        };
        channel.AcceptOnlyFromAmong("y", "rgb");
        var cropBorder = new Option<int>("--crop-border")
        {
            Description = "Pixels removed on every side before comparing.",
            DefaultValueFactory = _ => 0,
        };
        cropBorder.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--crop-border must be 0 or more.");
        });
        var json = new Option<string?>("--json")
        {
            Description = "Also write the scores to this JSON file.",
        };

        var command = new Command("eval", "Score predictions against ground truth (PSNR and SSIM, per image and mean).")
        {
            pred, gt, channel, cropBorder, json,
        };
        command.SetAction(parseResult => console.Guard(() => Run(console,
            parseResult.GetValue(pred)!, parseResult.GetValue(gt)!,
            parseResult.GetValue(channel) == "rgb" ? MetricChannel.Rgb : MetricChannel.Y,
            parseResult.GetValue(cropBorder), parseResult.GetValue(json))));
        return command;
    }

    private static int Run(CliConsole console, string predDir, string gtDir, MetricChannel channel, int cropBorder, string? jsonPath)
    {
        var predictions = ImageIO.ListImages(predDir);
        if (predictions.Count == 0) throw new RgsudFileException(predDir, "the folder holds no images");
        var targets = ImageIO.ListImages(gtDir);
        if (targets.Count == 0) throw new RgsudFileException(gtDir, "the folder holds no images");

        var pairing = ImagePairing.Pair(predictions, targets);
        if (pairing.Pairs.Count == 0)
            throw new RgsudException($"no prediction in {predDir} has a ground-truth partner in {gtDir} (pairing is by identical name, else by the last number in the name)");
        if (pairing.UnpairedPredictions.Count > 0)
            console.Warn($"{pairing.UnpairedPredictions.Count} prediction{(pairing.UnpairedPredictions.Count == 1 ? "" : "s")} without ground truth, not scored: {string.Join(", ", pairing.UnpairedPredictions.Select(Path.GetFileName))}");

        var results = new List<EvalImageResult>();
        foreach (var pair in pairing.Pairs)
        {
            using var scope = NewDisposeScope();
            var p = ImageIO.Read(pair.Prediction);
            var t = ImageIO.Read(pair.Target);
            if (p.shape[2] != t.shape[2] || p.shape[3] != t.shape[3])
                throw new RgsudFileException(pair.Prediction,
                    $"is {p.shape[3]}x{p.shape[2]} but its ground truth {Path.GetFileName(pair.Target)} is {t.shape[3]}x{t.shape[2]}");
            double psnr, ssim;
            try
            {
                psnr = ImageQuality.Psnr(p, t, channel, cropBorder);
                ssim = ImageQuality.Ssim(p, t, channel, cropBorder);
            }
            catch (ArgumentException ex)
            {
                var reason = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);
                throw new RgsudFileException(pair.Prediction, CliConsole.OneLine(reason), ex);
            }
            results.Add(new EvalImageResult(pair.Name, psnr, ssim));
        }

        var mean = new EvalMean(results.Average(r => r.Psnr), results.Average(r => r.Ssim));
        var channelName = channel == MetricChannel.Rgb ? "rgb" : "y";
        PrintTable(console, results, mean, channelName, cropBorder);
        if (jsonPath is not null)
        {
            var report = new EvalReport(results, mean, channelName, cropBorder);
            AtomicFile.Write(jsonPath, stream => JsonSerializer.Serialize(stream, report, Json));
            console.Out.WriteLine($"scores written to {jsonPath}");
        }
        return CliApp.Success;
    }

    private static void PrintTable(CliConsole console, List<EvalImageResult> results, EvalMean mean, string channel, int cropBorder)
    {
        var table = new Table
        {
            Border = console.Interactive ? TableBorder.Rounded : TableBorder.Markdown,
            Title = new TableTitle($"{(channel == "y" ? "Y channel" : "RGB")}, crop border {cropBorder}"),
        };
        table.AddColumn("image");
        table.AddColumn(new TableColumn("PSNR (dB)").RightAligned());
        table.AddColumn(new TableColumn("SSIM").RightAligned());
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Name), Format(r.Psnr, "F2"), Format(r.Ssim, "F4"));
        if (console.Interactive) table.AddEmptyRow();
        table.AddRow($"mean ({results.Count})", Format(mean.Psnr, "F2"), Format(mean.Ssim, "F4"));
        console.Ansi().Write(table);
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
