using System.Globalization;
using System.Text.Json;
using Rgsud.Cli.Output;
using Rgsud.Imaging;
using Rgsud.Inference;
using Rgsud.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Rgsud.Cli.Reports;

/// <summary>
/// The report of a training run: <c>report.html</c> in the run folder (self-contained, images inlined) with loss
/// curves per stage, reward-bank curves (filled slots, mean score, acceptances per pass), a before/after grid
/// (rainy, derained by the trained model, current reward) for a few training images, the options used and the
/// timing. The plots are also written beside it as PNG files. Every file is written atomically.
/// </summary>
internal static class RunReport
{
    /// <summary>The report's file name in the run folder.</summary>
    public const string FileName = "report.html";

    /// <summary>Grid pictures wider than this are scaled down.</summary>
    private const int GridWidth = 320;

    /// <summary>Writes the report and its plots; returns the report's path.</summary>
    public static string Write(RunReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var dir = input.RunDirectory;
        var log = TrainingLogReader.Read(Path.Combine(dir, "log.jsonl"));
        var html = new HtmlReportBuilder(input.Title);

        html.Paragraph(Summary(input, log), "summary");

        var plots = new List<ReportPlot>();
        html.Heading("Losses");
        foreach (var stage in new[] { 1, 2 })
        {
            if (ReportPlots.Losses(log, stage) is { } p)
            {
                plots.Add(p);
                html.Figure(p.Png, p.Title);
            }
        }
        if (!log.Any(e => !e.IsPass)) html.Paragraph("No step was logged.", "note");

        var bankPlots = new[] { ReportPlots.BankScore(log, input.Scorer ?? "score"), ReportPlots.BankActivity(log) }.OfType<ReportPlot>().ToList();
        if (bankPlots.Count > 0)
        {
            html.Heading("Reward bank");
            foreach (var p in bankPlots)
            {
                plots.Add(p);
                html.Figure(p.Png, p.Title);
            }
            var passes = log.Where(e => e.IsPass).ToList();
            html.Table(["step", "stage", "filled", "accepted / offered", "mean score", "mean input score", "seconds"],
                passes.Select(e => (IReadOnlyList<string>)[
                    N(e.Step), N(e.Stage), N(e.BankFilled), $"{N(e.Accepted)} / {N(e.Offered)}", F(e.BankMeanScore, "G5"), F(e.BankMeanInputScore, "G5"), F(e.Seconds, "F1")]),
                numericFrom: 0);
        }

        var manifest = ReadManifest(Path.Combine(dir, "bank"));
        if (input.Samples.Count > 0)
        {
            html.Heading("Before and after (training images)");
            html.Paragraph("Each row: a rainy training image, the trained derainer's output, and the reward the bank holds for it " +
                "(the best-scoring output recycled so far, or none when no output beat the input).", "note");
            html.Grid(["rainy", "derained (trained model)", "current reward"], input.Samples.Select(s => GridRow(input, s.Id, s.Path, manifest, dir)).ToList());
        }

        html.Heading("Timing");
        html.Table(["", "value"], Timing(input), numericFrom: 1);

        html.Heading("Options");
        html.Table(["option", "value"], Options(Path.Combine(dir, "options.json")));

        foreach (var p in plots) AtomicFile.Write(Path.Combine(dir, p.FileName), s => s.Write(p.Png), flushToDisk: false);
        var path = Path.Combine(dir, FileName);
        AtomicFile.WriteAllText(path, html.Build(DateTimeOffset.Now));
        return path;
    }

    private static string Summary(RunReportInput input, IReadOnlyList<TrainingLogEntry> log)
    {
        var r = input.Result;
        if (r is null) return $"{log.Count(e => !e.IsPass)} logged steps.";
        string stage2 = r.Stage2StartStep is { } s2 ? $"stage 2 from step {N(s2)}" : "no stage 2 (base method only, or stopped before it)";
        string bank = r.Bank is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"; bank {b.Filled}/{b.Slots} filled, mean score {b.MeanScore:G5} (rainy inputs {b.MeanInputScore:G5})")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{(r.Cancelled ? "Stopped" : "Finished")} after {r.StepsCompleted} steps; {stage2}; {r.Passes.Count} recycling passes{bank}; {r.SkippedUpdates} skipped updates.");
    }

    private static IReadOnlyList<GridCell> GridRow(RunReportInput input, string id, string path, Dictionary<string, (double? Score, double? Input, string? File)> manifest, string dir)
    {
        using var scope = NewDisposeScope();
        Tensor image;
        try
        {
            image = ImageIO.Read(path);
        }
        catch (RgsudImageException e)
        {
            return [new GridCell(null, $"{id}: {CliConsole.OneLine(e.Message)}"), new GridCell(null, ""), new GridCell(null, "")];
        }
        manifest.TryGetValue(id, out var slot);
        string inputScore = slot.Input is { } i ? $" (score {i.ToString("G4", CultureInfo.InvariantCulture)})" : "";
        var rainy = new GridCell(Png(image), id + inputScore);
        GridCell derained = input.Derainer is null
            ? new GridCell(null, "no model")
            : new GridCell(Png(DerainerInference.Derain(input.Derainer, image, input.Device)), "derained");
        GridCell reward = new(null, "no reward: no output beat the input yet");
        if (slot.File is { } file && File.Exists(Path.Combine(dir, "bank", "rewards", file)))
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, "bank", "rewards", file));
            reward = new GridCell(Shrink(bytes), $"reward (score {slot.Score?.ToString("G4", CultureInfo.InvariantCulture)})");
        }
        return [rainy, derained, reward];
    }

    /// <summary>A tensor image as PNG bytes, scaled down to the grid's width.</summary>
    internal static byte[] Png(Tensor image)
    {
        using var img = ImageIO.ToImage(image);
        if (img.Width > GridWidth) img.Mutate(m => m.Resize(GridWidth, 0));
        using var stream = new MemoryStream();
        img.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static byte[] Shrink(byte[] png)
    {
        using var img = Image.Load(png);
        if (img.Width <= GridWidth) return png;
        img.Mutate(m => m.Resize(GridWidth, 0));
        using var stream = new MemoryStream();
        img.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static IEnumerable<IReadOnlyList<string>> Timing(RunReportInput input)
    {
        yield return ["whole command", Seconds(input.Wall)];
        if (input.Result is { } r)
        {
            yield return ["training steps", Seconds(r.TrainingTime)];
            yield return ["recycling passes", Seconds(r.RecyclingTime)];
            double rate = r.TrainingTime.TotalSeconds > 0 ? r.StepsCompleted / r.TrainingTime.TotalSeconds : 0;
            yield return ["steps per second (training only)", rate.ToString("F2", CultureInfo.InvariantCulture)];
            if (r.Passes.Count > 0)
                yield return ["mean recycling pass", (r.Passes.Average(p => p.Elapsed.TotalSeconds)).ToString("F1", CultureInfo.InvariantCulture) + " s"];
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    /// <summary>options.json flattened to "request.method = csud" rows.</summary>
    private static List<IReadOnlyList<string>> Options(string path)
    {
        var rows = new List<IReadOnlyList<string>>();
        if (!File.Exists(path)) return rows;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            Flatten(doc.RootElement, "", rows);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            rows.Add(["options.json", $"unreadable: {CliConsole.OneLine(e.Message)}"]);
        }
        return rows;
    }

    private static void Flatten(JsonElement e, string prefix, List<IReadOnlyList<string>> rows)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject()) Flatten(p.Value, prefix.Length == 0 ? p.Name : prefix + "." + p.Name, rows);
            return;
        }
        rows.Add([prefix, e.ValueKind switch
        {
            JsonValueKind.String => e.GetString() ?? "",
            JsonValueKind.Null => "-",
            _ => e.GetRawText(),
        }]);
    }

    /// <summary>The bank manifest's entries by id (empty when there is no bank).</summary>
    private static Dictionary<string, (double? Score, double? Input, string? File)> ReadManifest(string bankDir)
    {
        var map = new Dictionary<string, (double?, double?, string?)>(StringComparer.Ordinal);
        var path = Path.Combine(bankDir, "manifest.json");
        if (!File.Exists(path)) return map;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var e in doc.RootElement.GetProperty("entries").EnumerateArray())
            {
                var id = e.GetProperty("id").GetString();
                if (id is null) continue;
                map[id] = (Num(e, "score"), Num(e, "inputScore"), e.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null);
            }
        }
        catch (Exception e) when (e is JsonException or IOException or KeyNotFoundException or InvalidOperationException)
        {
            // The report shows what it can; the bank itself is validated when it is loaded.
        }
        return map;
    }

    private static double? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static string N(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string F(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
}
