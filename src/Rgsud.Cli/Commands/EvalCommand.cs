using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rgsud.Cli.Output;
using Rgsud.IO;
using Rgsud.Data;
using Rgsud.Imaging;
using Rgsud.Metrics;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using Spectre.Console;
using static TorchSharp.torch;

namespace Rgsud.Cli.Commands;

/// <summary>
/// <c>rgsud eval</c>: PSNR/SSIM of a folder of predictions against a folder of ground truth and, with
/// <c>--niqe-model</c>, NIQE per image and mean — also for folders without ground truth.
/// </summary>
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
        var pred = new Option<string>("--pred", "--input")
        {
            Description = "Folder of predictions (derained images), or of any images to score with NIQE.",
            Required = true,
        };
        var gt = new Option<string?>("--gt", "--clean")
        {
            Description = "Folder of ground-truth images; paired by identical name, else by the last number in the name (rain-071 <-> norain-071). Without it only NIQE is computed.",
        };
        var niqeModel = new Option<string?>("--niqe-model")
        {
            Description = "NIQE pristine model (official niqe_pris_params.npz, or a fitted .json): adds NIQE per image and mean (lower is better).",
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

        var command = new Command("eval", "Score predictions against ground truth (PSNR and SSIM) and/or with NIQE, per image and mean.")
        {
            pred, gt, channel, cropBorder, json, niqeModel,
        };
        command.SetAction(parseResult => console.Guard(() => Run(console,
            parseResult.GetValue(pred)!, parseResult.GetValue(gt),
            parseResult.GetValue(channel) == "rgb" ? MetricChannel.Rgb : MetricChannel.Y,
            parseResult.GetValue(cropBorder), parseResult.GetValue(json), parseResult.GetValue(niqeModel))));
        return command;
    }

    private static int Run(CliConsole console, string predDir, string? gtDir, MetricChannel channel, int cropBorder, string? jsonPath, string? niqeModelPath)
    {
        if (gtDir is null && niqeModelPath is null)
            throw new RgsudException("nothing to compute: give --gt DIR for PSNR/SSIM and/or --niqe-model FILE for NIQE (no ground truth needed)");
        var predictions = ImageIO.ListImages(predDir);
        if (predictions.Count == 0) throw new RgsudFileException(predDir, "the folder holds no images");
        var niqe = niqeModelPath is null ? null : new NiqeScorer(NiqeModel.Load(niqeModelPath));

        // With ground truth: the paired predictions; without: every image of the folder.
        IReadOnlyList<(string Name, string Prediction, string? Target)> items;
        if (gtDir is not null)
        {
            var targets = ImageIO.ListImages(gtDir);
            if (targets.Count == 0) throw new RgsudFileException(gtDir, "the folder holds no images");
            var pairing = ImagePairing.Pair(predictions, targets);
            if (pairing.Pairs.Count == 0)
                throw new RgsudException($"no prediction in {predDir} has a ground-truth partner in {gtDir} (pairing is by identical name, else by the last number in the name)");
            if (pairing.UnpairedPredictions.Count > 0)
                console.Warn($"{pairing.UnpairedPredictions.Count} prediction{(pairing.UnpairedPredictions.Count == 1 ? "" : "s")} without ground truth, not scored: {string.Join(", ", pairing.UnpairedPredictions.Select(Path.GetFileName))}");
            items = pairing.Pairs.Select(p => (p.Name, p.Prediction, (string?)p.Target)).ToList();
        }
        else
        {
            items = predictions.Select(p => (Path.GetFileNameWithoutExtension(p), p, (string?)null)).ToList();
        }

        var results = new List<EvalImageResult>();
        foreach (var (name, prediction, target) in items)
        {
            using var scope = NewDisposeScope();
            var p = ImageIO.Read(prediction);
            double? psnr = null, ssim = null, niqeScore = null;
            if (target is not null)
            {
                var t = ImageIO.Read(target);
                if (p.shape[2] != t.shape[2] || p.shape[3] != t.shape[3])
                    throw new RgsudFileException(prediction,
                        $"is {p.shape[3]}x{p.shape[2]} but its ground truth {Path.GetFileName(target)} is {t.shape[3]}x{t.shape[2]}");
                try
                {
                    psnr = ImageQuality.Psnr(p, t, channel, cropBorder);
                    ssim = ImageQuality.Ssim(p, t, channel, cropBorder);
                }
                catch (ArgumentException ex)
                {
                    var reason = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);
                    throw new RgsudFileException(prediction, CliConsole.OneLine(reason), ex);
                }
            }
            if (niqe is not null)
            {
                if (p.shape[2] < NiqeScorer.MinimumSize || p.shape[3] < NiqeScorer.MinimumSize)
                    throw new RgsudFileException(prediction, $"is {p.shape[3]}x{p.shape[2]}; NIQE needs at least {NiqeScorer.MinimumSize}x{NiqeScorer.MinimumSize} pixels");
                using var score = niqe.Score(p);
                niqeScore = score.to(float64).item<double>();
            }
            results.Add(new EvalImageResult(name, psnr, ssim, niqeScore));
        }

        var mean = new EvalMean(
            gtDir is null ? null : results.Average(r => r.Psnr!.Value),
            gtDir is null ? null : results.Average(r => r.Ssim!.Value),
            niqe is null ? null : results.Average(r => r.Niqe!.Value));
        var channelName = channel == MetricChannel.Rgb ? "rgb" : "y";
        PrintTable(console, results, mean, channelName, cropBorder, gtDir is not null, niqeModelPath);
        if (jsonPath is not null)
        {
            var report = new EvalReport(results, mean, channelName, cropBorder, niqeModelPath is null ? null : Path.GetFullPath(niqeModelPath));
            AtomicFile.Write(jsonPath, stream => JsonSerializer.Serialize(stream, report, Json));
            console.Out.WriteLine($"scores written to {jsonPath}");
        }
        return CliApp.Success;
    }

    private static void PrintTable(CliConsole console, List<EvalImageResult> results, EvalMean mean, string channel, int cropBorder, bool reference, string? niqeModel)
    {
        var title = reference ? $"{(channel == "y" ? "Y channel" : "RGB")}, crop border {cropBorder}" : "no ground truth";
        if (niqeModel is not null) title += $"; NIQE model {Path.GetFileName(niqeModel)} (lower is better)";
        var table = new Table
        {
            Border = console.Interactive ? TableBorder.Rounded : TableBorder.Markdown,
            Title = new TableTitle(Markup.Escape(title)),
        };
        table.AddColumn("image");
        if (reference)
        {
            table.AddColumn(new TableColumn("PSNR (dB)").RightAligned());
            table.AddColumn(new TableColumn("SSIM").RightAligned());
        }
        if (niqeModel is not null) table.AddColumn(new TableColumn("NIQE").RightAligned());
        string[] Cells(string label, double? psnr, double? ssim, double? niqe)
        {
            var cells = new List<string> { label };
            if (reference) cells.AddRange([Format(psnr!.Value, "F2"), Format(ssim!.Value, "F4")]);
            if (niqeModel is not null) cells.Add(Format(niqe!.Value, "F4"));
            return cells.ToArray();
        }
        foreach (var r in results) table.AddRow(Cells(Markup.Escape(r.Name), r.Psnr, r.Ssim, r.Niqe));
        if (console.Interactive) table.AddEmptyRow();
        table.AddRow(Cells($"mean ({results.Count})", mean.Psnr, mean.Ssim, mean.Niqe));
        console.Ansi().Write(table);
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
