using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Rgsud.Cli.Evaluation;
using Rgsud.Cli.Output;
using Rgsud.Cli.Reports;
using Rgsud.IO;
using Rgsud.Synthesis;

namespace Rgsud.Cli.Commands;

/// <summary>
/// <c>rgsud demo</c>: the whole story on data it makes itself. Procedural clean scenes get rain from
/// <see cref="RainStreakRenderer"/>; the scenes are split into unpaired rainy and clean training sets and a paired
/// test set; the base method and base + RGSUD are trained with the same seed, data and budget; both are
/// evaluated on the test pairs (PSNR/SSIM on Y, with the rainy input as the first row); and <c>report.html</c>
/// sums it up with links to both runs' reports.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The marker file that says a folder holds a demo (and may be overwritten by the next one).</summary>
    public const string MarkerFileName = "demo.json";

    /// <summary>Folders of a demo that a new demo in the same place replaces.</summary>
    private static readonly string[] OwnFolders = ["data", "base", "rgsud", "test-base", "test-rgsud"];

    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var d = new DemoRequest();
        var output = new Option<string>("--out") { Description = "Folder for the data, both runs and report.html.", DefaultValueFactory = _ => d.Out };
        var minutes = new Option<double?>("--minutes") { Description = "Training budget per arm in minutes (both arms get the same); default: --iterations." };
        var iterations = new Option<long>("--iterations") { Description = "Training iterations per arm (when --minutes is not given).", DefaultValueFactory = _ => d.Iterations };
        var seed = new Option<long>("--seed") { Description = "Seed of the data and of both arms.", DefaultValueFactory = _ => d.Seed };
        var trainImages = new Option<int>("--train-images") { Description = "Rainy training images (and as many clean ones, other scenes).", DefaultValueFactory = _ => d.TrainImages };
        var testImages = new Option<int>("--test-images") { Description = "Test pairs.", DefaultValueFactory = _ => d.TestImages };
        var size = new Option<int>("--size") { Description = "Image size (square, pixels; at least 96).", DefaultValueFactory = _ => d.Size };
        var crop = new Option<int>("--crop") { Description = "Training crop size.", DefaultValueFactory = _ => d.Crop };
        var batch = new Option<int>("--batch") { Description = "Crops per batch.", DefaultValueFactory = _ => d.Batch };
        var scorer = new Option<string>("--scorer") { Description = "Reward scorer of the RGSUD arm (niqe, critic, ensemble:niqe+critic).", DefaultValueFactory = _ => d.Scorer };
        var recycleEvery = new Option<int?>("--recycle-every") { Description = "A recycling pass every N steps (default: a twentieth of the iterations, at most 50)." };
        var method = new Option<string>("--method") { Description = "Unpaired base method: cyclegan or csud.", DefaultValueFactory = _ => d.Method };
        method.AcceptOnlyFromAmong("cyclegan", "csud");
        var learningRate = new Option<double>("--lr") { Description = "Learning rate of the base method.", DefaultValueFactory = _ => d.LearningRate };
        var lambda1 = new Option<double>("--lambda1") { Description = "Stage 2: weight of the pseudo-pair loss (see the demo's report).", DefaultValueFactory = _ => d.Lambda1 };
        var stage1 = new Option<long?>("--stage1-iterations") { Description = "Iterations of stage 1 (default: half)." };
        var criticSteps = new Option<int>("--critic-steps") { Description = "Training steps of the rain critic (scorers critic and ensemble).", DefaultValueFactory = _ => d.CriticSteps };
        var density = new Option<double>("--density") { Description = "Rain streaks per 100x100 pixels.", DefaultValueFactory = _ => d.Rain.Density };

        var command = new Command("demo", "Make a synthetic rain data set, train the base method and base + RGSUD on it, and report both on its test pairs.")
        {
            output, minutes, iterations, seed, trainImages, testImages, size, crop, batch, scorer, recycleEvery, stage1, criticSteps, density,
            method, learningRate, lambda1,
        };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(console.Guard(() => Run(console, new DemoRequest
        {
            Out = parseResult.GetValue(output)!,
            Minutes = parseResult.GetValue(minutes),
            Iterations = parseResult.GetValue(iterations),
            Seed = parseResult.GetValue(seed),
            TrainImages = parseResult.GetValue(trainImages),
            TestImages = parseResult.GetValue(testImages),
            Size = parseResult.GetValue(size),
            Crop = parseResult.GetValue(crop),
            Batch = parseResult.GetValue(batch),
            Scorer = parseResult.GetValue(scorer)!,
            RecycleEvery = parseResult.GetValue(recycleEvery),
            Stage1Iterations = parseResult.GetValue(stage1),
            CriticSteps = parseResult.GetValue(criticSteps),
            Method = parseResult.GetValue(method)!,
            LearningRate = parseResult.GetValue(learningRate),
            Lambda1 = parseResult.GetValue(lambda1),
            Rain = d.Rain with { Density = parseResult.GetValue(density) },
        }, cancellationToken))));
        return command;
    }

    internal static int Run(CliConsole console, DemoRequest d, CancellationToken cancellationToken)
    {
        d.Validate();
        var total = Stopwatch.StartNew();
        var root = Path.GetFullPath(d.Out);
        PrepareFolder(root);

        // 1. The data.
        var watch = Stopwatch.StartNew();
        var dataOptions = new SyntheticRainSetOptions
        {
            Width = d.Size, Height = d.Size, TrainRainy = d.TrainImages, TrainClean = d.TrainImages, TestPairs = d.TestImages, Rain = d.Rain, Seed = d.Seed,
        };
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"demo: rendering {d.TrainImages} rainy + {d.TrainImages} clean training scenes and {d.TestImages} test pairs ({d.Size}x{d.Size}, {d.Rain.Density:G3} streaks per 100x100 px)"));
        var data = SyntheticRainSet.Write(Path.Combine(root, "data"), dataOptions, cancellationToken);
        var dataTime = watch.Elapsed;

        // 2. Both arms, same seed, data and budget.
        TrainRequest Arm(string folder, string strategy) => new(
            data.TrainRainy, data.TrainClean, Path.Combine(root, folder), d.Method, "nafnet-small", strategy, d.Scorer, NiqeModel: null,
            Iterations: d.Minutes is null ? d.Iterations : null, Minutes: d.Minutes, Stage1: d.Stage1Iterations, RecycleEvery: d.EffectiveRecycleEvery,
            Crop: d.Crop, Batch: d.Batch, Seed: d.Seed, Device: "cpu", Preset: "cpu", Resume: false, OnBadFile: "fail", InBatch: "off",
            LogEvery: d.Minutes is null ? (int)Math.Clamp(d.Iterations / 60, 1, 10) : null, CriticSteps: d.CriticSteps,
            LearningRate: d.LearningRate, Lambda1: d.Lambda1);
        var pairs = TestSetEvaluator.Pair(data.TestRainy, data.TestClean);
        var (rows, runs) = ComparisonRunner.Run(console, [("base", Arm("base", "none")), ("rgsud", Arm("rgsud", "rgsud"))], pairs, niqe: null, root, cancellationToken);

        // 3. The table and the report.
        string budget = d.Minutes is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:G3} min per arm") : string.Create(CultureInfo.InvariantCulture, $"{d.Iterations} iterations per arm");
        var table = new ComparisonTable(string.Create(CultureInfo.InvariantCulture,
            $"rgsud demo: {pairs.Count} synthetic test pairs, {MethodName(d.Method)} + nafnet-small, {budget}, seed {d.Seed}"), rows, niqeNote: null);
        table.Print(console);
        table.WriteJson(Path.Combine(root, "results.json"));
        var report = WriteReport(root, d, dataOptions, table, runs, pairs, dataTime, total.Elapsed);
        AtomicFile.WriteAllText(Path.Combine(root, MarkerFileName), new JsonObject
        {
            ["format"] = "rgsud-demo",
            ["seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1),
            ["report"] = DemoFile(report),
        }.ToJsonString());

        var input = rows[0];
        var baseRow = rows[1];
        var rgsud = rows[2];
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"demo: input {input.Psnr:F2} dB / {input.Ssim:F4}, base {baseRow.Psnr:F2} dB / {baseRow.Ssim:F4}, base + RGSUD {rgsud.Psnr:F2} dB / {rgsud.Ssim:F4} " +
            $"(RGSUD - base: {rgsud.Psnr - baseRow.Psnr:+0.00;-0.00} dB, {rgsud.Ssim - baseRow.Ssim:+0.0000;-0.0000}); {total.Elapsed.TotalMinutes:F1} min in all"));
        console.Out.WriteLine($"demo: report {report}");
        return CliApp.Success;
    }

    private static string DemoFile(string path) => Path.GetFileName(path);

    /// <summary>Refuses a folder that holds something else than a previous demo; clears a previous demo's folders.</summary>
    private static void PrepareFolder(string root)
    {
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            if (!File.Exists(Path.Combine(root, MarkerFileName)))
                throw new RgsudFileException(root, $"is not empty and holds no previous demo ({MarkerFileName}); choose another --out");
            foreach (var folder in OwnFolders)
            {
                var path = Path.Combine(root, folder);
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            }
        }
        Directory.CreateDirectory(root);
    }

    private static string WriteReport(string root, DemoRequest d, SyntheticRainSetOptions data, ComparisonTable table,
        IReadOnlyList<(string Name, TrainOutcome Outcome, TimeSpan Evaluation)> runs, IReadOnlyList<Data.ImagePair> pairs, TimeSpan dataTime, TimeSpan total)
    {
        var rows = table.Rows;
        var html = new HtmlReportBuilder("rgsud demo: the base method vs base + RGSUD on synthetic rain");
        var b = rows.First(r => r.Name == "base");
        var s = rows.First(r => r.Name == "rgsud");
        double dPsnr = s.Psnr - b.Psnr, dSsim = s.Ssim - b.Ssim;
        html.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"On {pairs.Count} held-out synthetic test pairs, base + RGSUD (self-reinforcement) scores {s.Psnr:F2} dB PSNR / {s.Ssim:F4} SSIM against " +
            $"{b.Psnr:F2} dB / {b.Ssim:F4} for the base method alone ({dPsnr:+0.00;-0.00} dB, {dSsim:+0.0000;-0.0000}); the rainy input scores " +
            $"{rows[0].Psnr:F2} dB / {rows[0].Ssim:F4}. Both arms: same data, seed and budget."), "summary");
        html.Heading("Results");
        html.Table(["method", "PSNR (dB, Y)", "SSIM (Y)"],
            rows.Select(r => (IReadOnlyList<string>)[Label(r.Name), F(r.Psnr, "F2"), F(r.Ssim, "F4")]), numericFrom: 1,
            highlightRow: rows.Select((r, i) => (r, i)).Skip(1).MaxBy(x => x.r.Psnr).i);
        var bars = ReportPlots.Bars("demo-psnr.png", "Test PSNR (Y)", "PSNR (dB)", rows.Select(r => (Label(r.Name), r.Psnr)).ToList());
        html.Figure(bars.Png, bars.Title);
        AtomicFile.Write(Path.Combine(root, bars.FileName), st => st.Write(bars.Png), flushToDisk: false);

        html.Heading("Test images");
        html.Paragraph("Rainy input, the base method's output, base + RGSUD's output and the ground truth, with each image's PSNR (Y).", "note");
        var baseDir = rows.First(r => r.Name == "base").OutputDirectory!;
        var rgsudDir = rows.First(r => r.Name == "rgsud").OutputDirectory!;
        var gridRows = new List<IReadOnlyList<GridCell>>();
        foreach (var pair in pairs.Take(4))
        {
            string stem = Path.GetFileNameWithoutExtension(pair.Prediction);
            string Score(ArmScores arm) => arm.Images.FirstOrDefault(i => i.Name == pair.Name) is { } im ? im.Psnr.ToString("F2", CultureInfo.InvariantCulture) + " dB" : "";
            gridRows.Add([
                new GridCell(Read(pair.Prediction), $"{stem}: {Score(rows[0])}"),
                new GridCell(Read(Path.Combine(baseDir, stem + ".png")), "base: " + Score(b)),
                new GridCell(Read(Path.Combine(rgsudDir, stem + ".png")), "base + RGSUD: " + Score(s)),
                new GridCell(Read(pair.Target), "ground truth"),
            ]);
        }
        html.Grid(["rainy", "base", "base + RGSUD", "ground truth"], gridRows);

        html.Heading("Training runs");
        foreach (var (name, outcome, _) in runs)
            html.Link(Path.GetRelativePath(root, outcome.ReportPath).Replace('\\', '/'), $"{Label(name)}: report.html", $"{Label(name)} ({outcome.StepsCompleted} steps): ");
        var rgsudRun = runs.FirstOrDefault(r => r.Name == "rgsud").Outcome;
        if (rgsudRun is not null)
        {
            var passes = TrainingLogReader.Read(Path.Combine(rgsudRun.RunDirectory, "log.jsonl")).Where(e => e.IsPass && e.BankMeanScore is { } v && double.IsFinite(v)).ToList();
            var switchPass = passes.LastOrDefault(e => e.Stage == 1);
            if (switchPass is not null && passes.Count > 0)
            {
                html.Paragraph(string.Create(CultureInfo.InvariantCulture,
                    $"The reward bank of base + RGSUD ({d.Scorer}, higher is cleaner): mean reward score {switchPass.BankMeanScore:G3} at the switch to stage 2 " +
                    $"(step {switchPass.Step}), {passes[^1].BankMeanScore:G3} at the end; the rainy inputs score {passes[^1].BankMeanInputScore:G3}. " +
                    $"{passes.Where(e => e.Stage == 2).Sum(e => e.Accepted ?? 0)} outputs replaced a reward during stage 2: the self-reinforcement loop at work."), "note");
            }
            foreach (var file in new[] { "report-bank-score.png", "report-bank-activity.png" })
            {
                var plotPath = Path.Combine(rgsudRun.RunDirectory, file);
                if (File.Exists(plotPath)) html.Figure(File.ReadAllBytes(plotPath), "base + RGSUD: " + (file.Contains("score", StringComparison.Ordinal) ? "reward bank mean score per pass" : "filled slots and acceptances per pass"));
            }
        }

        html.Heading("Data");
        var rain = data.Rain;
        html.Table(["", "value"],
        [
            ["training", $"{data.TrainRainy} rainy + {data.TrainClean} clean images (different scenes: unpaired), {data.Width}x{data.Height}"],
            ["test", $"{data.TestPairs} pairs of rainy image and ground truth (scenes not used for training)"],
            ["rain", string.Create(CultureInfo.InvariantCulture,
                $"RainStreakRenderer: density {rain.Density:G3} per 100x100 px, angle {rain.AngleDegrees:G3}° ± {rain.AngleJitterDegrees:G3}°, length {rain.Length:G3} px ± {rain.LengthJitter:P0}, width {rain.Width:G3} px, opacity {rain.Opacity:G3} ± {rain.OpacityJitter:P0}, blur σ {rain.Blur:G3} px, {rain.Blend} blend")],
            ["seed", d.Seed.ToString(CultureInfo.InvariantCulture)],
            ["folders", "data/train-rainy, data/train-clean, data/test-rainy, data/test-clean"],
        ]);

        html.Heading("Timing");
        var timing = new List<IReadOnlyList<string>> { new[] { "rendering the data", Seconds(dataTime) } };
        foreach (var (name, outcome, evaluation) in runs)
        {
            timing.Add([$"{Label(name)}: training and report", Seconds(outcome.Wall)]);
            timing.Add([$"{Label(name)}: test evaluation", Seconds(evaluation)]);
        }
        timing.Add(["whole demo", Seconds(total)]);
        html.Table(["", "time"], timing, numericFrom: 1);

        html.Heading("Settings");
        html.Table(["option", "value"],
        [
            ["budget", d.Minutes is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:G3} min per arm") : $"{d.Iterations} iterations per arm"],
            ["base method", $"{MethodName(d.Method)} (small networks), nafnet-small derainer, Adam lr {d.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}"],
            ["RGSUD scorer", d.Scorer + (d.Scorer.Contains("critic", StringComparison.OrdinalIgnoreCase) ? $" (trained {d.CriticSteps} steps on the rainy and clean training images)" : "")],
            ["crop / batch", $"{d.Crop} / {d.Batch}"],
            ["recycle every", $"{d.EffectiveRecycleEvery} steps"],
            ["stage 1", d.Stage1Iterations is { } s1 ? $"{s1} steps" : "half of the budget"],
            ["λ1 (pseudo pairs) / λ2 (self-reinforcement)", string.Create(CultureInfo.InvariantCulture, $"{d.Lambda1:G3} / 0.8")],
        ]);
        var path = Path.Combine(root, RunReport.FileName);
        AtomicFile.WriteAllText(path, html.Build(DateTimeOffset.Now));
        return path;
    }

    private static byte[]? Read(string path)
    {
        if (!File.Exists(path)) return null;
        using var scope = TorchSharp.torch.NewDisposeScope();
        return RunReport.Png(Imaging.ImageIO.Read(path));
    }

    private static string MethodName(string method) => method == "csud" ? "CSUD-style" : "CycleGAN-style";

    private static string Label(string name) => name switch
    {
        "input" => "rainy input",
        "base" => "base method",
        "rgsud" => "base + RGSUD",
        _ => name,
    };

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    private static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
