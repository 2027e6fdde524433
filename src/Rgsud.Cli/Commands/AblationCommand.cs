using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rgsud.Cli.Evaluation;
using Rgsud.Cli.Output;
using Rgsud.Imaging;
using Rgsud.IO;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;

namespace Rgsud.Cli.Commands;

/// <summary>
/// <c>rgsud ablation</c>: trains the base method and base + RGSUD (and base + RGSUD with each extra scorer) with the
/// same seed, data and budget, evaluates each on the test pairs and prints and saves the table (PSNR/SSIM on Y and
/// NIQE), the rainy input first.
/// </summary>
internal static class AblationCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var rainy = new Option<string>("--rainy") { Description = "Folder of rainy training images.", Required = true };
        var clean = new Option<string>("--clean") { Description = "Folder of clean training images (other scenes).", Required = true };
        var testRainy = new Option<string>("--test-rainy") { Description = "Folder of rainy test images.", Required = true };
        var testClean = new Option<string>("--test-clean") { Description = "Their ground truth (paired by stem, else by the last number).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the runs, the derained test images and ablation.md.", DefaultValueFactory = _ => "ablation" };
        var method = new Option<string>("--method") { Description = "Unpaired base method: csud or cyclegan.", DefaultValueFactory = _ => "csud" };
        method.AcceptOnlyFromAmong("csud", "cyclegan");
        var minutes = new Option<double?>("--minutes") { Description = "Training budget per arm in minutes." };
        var iterations = new Option<long?>("--iterations") { Description = "Training iterations per arm (default 2000 unless --minutes is given)." };
        var scorer = new Option<string[]>("--scorer")
        {
            Description = "Reward scorer of the RGSUD arm (niqe, critic, ensemble:niqe+critic); repeat it to add one arm per further scorer (rows rgsud:<scorer>).",
            DefaultValueFactory = _ => ["niqe"],
            AllowMultipleArgumentsPerToken = true,
        };
        var seed = new Option<long>("--seed") { Description = "Seed of every arm.", DefaultValueFactory = _ => 0 };
        var niqeModel = new Option<string?>("--niqe-model") { Description = "NIQE pristine model for the table and the niqe scorer (official niqe_pris_params.npz); default: fitted on --clean." };
        var derainer = new Option<string?>("--derainer") { Description = "Derainer network (default nafnet-small)." };
        var crop = new Option<int?>("--crop") { Description = "Training crop size." };
        var batch = new Option<int?>("--batch") { Description = "Crops per batch." };
        var recycleEvery = new Option<int?>("--recycle-every") { Description = "A recycling pass every N steps." };
        var stage1 = new Option<long?>("--stage1-iterations") { Description = "Iterations of stage 1." };
        var criticSteps = new Option<int?>("--critic-steps") { Description = "Training steps of the rain critic for scorers that use one (default 500)." };
        var jobs = new Option<int>("--jobs")
        {
            Description = "Arms trained at once, as child rgsud train processes sharing the cores (default 1: one after the other, in this process). " +
                "With a --minutes budget each arm then gets its share of the cores for the whole budget.",
            DefaultValueFactory = _ => 1,
        };
        var learningRate = new Option<double?>("--lr") { Description = "Learning rate of the method's optimisers (default: the method's)." };
        var lambda1 = new Option<double?>("--lambda1") { Description = "Stage 2: weight of the pseudo-pair loss (default: the CPU preset's)." };
        var json = new Option<string?>("--json") { Description = "Also write {\"rows\":[{\"name\",\"psnr\",\"ssim\",\"niqe\"}]} here." };

        var command = new Command("ablation", "Train the base method and base + RGSUD with the same seed, data and budget and compare them on test pairs.")
        {
            rainy, clean, testRainy, testClean, output, method, minutes, iterations, scorer, seed, niqeModel, derainer, crop, batch, recycleEvery, stage1, criticSteps, json, jobs, learningRate, lambda1,
        };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(console.Guard(() => Run(console, new AblationRequest(
            parseResult.GetValue(rainy)!, parseResult.GetValue(clean)!, parseResult.GetValue(testRainy)!, parseResult.GetValue(testClean)!,
            parseResult.GetValue(output)!, parseResult.GetValue(method)!, parseResult.GetValue(minutes), parseResult.GetValue(iterations),
            parseResult.GetValue(scorer) ?? ["niqe"], parseResult.GetValue(seed), parseResult.GetValue(niqeModel), parseResult.GetValue(derainer),
            parseResult.GetValue(crop), parseResult.GetValue(batch), parseResult.GetValue(recycleEvery), parseResult.GetValue(stage1),
            parseResult.GetValue(criticSteps), parseResult.GetValue(json), parseResult.GetValue(jobs), parseResult.GetValue(learningRate),
            parseResult.GetValue(lambda1)), cancellationToken))));
        return command;
    }

    internal static int Run(CliConsole console, AblationRequest a, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        if (a.Minutes is { } m && !(m > 0)) throw new RgsudException(string.Create(CultureInfo.InvariantCulture, $"--minutes must be positive (was {m})"));
        if (a.Jobs < 1) throw new RgsudException($"--jobs must be at least 1 (was {a.Jobs})");
        if (a.Iterations is { } it && it < 1) throw new RgsudException($"--iterations must be at least 1 (was {it})");
        var scorers = a.Scorers.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (scorers.Count == 0) scorers.Add("niqe");
        foreach (var s in scorers) ScorerCatalog.Describe(s); // unknown names fail before any training
        var pairs = TestSetEvaluator.Pair(a.TestRainy, a.TestClean);
        var root = Path.GetFullPath(a.Out);
        foreach (var arm in new[] { "base", "rgsud" }.Concat(scorers.Skip(1).Select(s => "rgsud-" + ComparisonRunner.Safe(s))))
        {
            var dir = Path.Combine(root, arm, "checkpoints");
            if (Directory.Exists(dir) && Directory.EnumerateDirectories(dir, "step-*").Any())
                throw new RgsudFileException(Path.Combine(root, arm), "already holds a training run; choose another --out");
        }
        Directory.CreateDirectory(root);

        // NIQE for the table (and for the niqe scorer): the given model, else one fitted on the clean training images.
        string niqePath;
        string niqeNote;
        if (a.NiqeModel is not null)
        {
            niqePath = Path.GetFullPath(a.NiqeModel);
            niqeNote = $"model {Path.GetFileName(niqePath)}";
        }
        else
        {
            niqePath = Path.Combine(root, "niqe-model.json");
            var cleanImages = ImageIO.ListImages(a.Clean);
            console.Out.WriteLine($"ablation: fitting a NIQE pristine model on the {cleanImages.Count} clean training images (--niqe-model gives the official one)");
            NiqeModel.Fit(cleanImages, new NiqeFitOptions { SharpnessThreshold = 0 }, cancellationToken).SaveJson(niqePath);
            niqeNote = "model fitted on --clean";
        }
        var niqe = new NiqeScorer(NiqeModel.Load(niqePath));

        TrainRequest Arm(string folder, string strategy, string scorer) => new(
            a.Rainy, a.Clean, Path.Combine(root, folder), a.Method, a.Derainer, strategy, scorer, niqePath,
            Iterations: a.Minutes is null ? a.Iterations ?? 2000 : a.Iterations, Minutes: a.Minutes, Stage1: a.Stage1Iterations,
            RecycleEvery: a.RecycleEvery, Crop: a.Crop, Batch: a.Batch, Seed: a.Seed, Device: "cpu", Preset: "cpu", Resume: false,
            OnBadFile: "skip", InBatch: "off", LogEvery: a.Minutes is null ? (int)Math.Clamp((a.Iterations ?? 2000) / 60, 1, 10) : null,
            CriticSteps: a.CriticSteps, LearningRate: a.LearningRate, Lambda1: a.Lambda1);
        var arms = new List<(string, TrainRequest)> { ("base", Arm("base", "none", scorers[0])), ("rgsud", Arm("rgsud", "rgsud", scorers[0])) };
        arms.AddRange(scorers.Skip(1).Select(s => ($"rgsud:{s}", Arm("rgsud-" + ComparisonRunner.Safe(s), "rgsud", s))));

        var (rows, runs) = ComparisonRunner.Run(console, arms, pairs, niqe, root, cancellationToken, a.Jobs);
        string budget = a.Minutes is { } min ? string.Create(CultureInfo.InvariantCulture, $"{min:G3} min per arm") : string.Create(CultureInfo.InvariantCulture, $"{a.Iterations ?? 2000} iterations per arm");
        var table = new ComparisonTable(string.Create(CultureInfo.InvariantCulture,
            $"Ablation: {a.Method} base vs + RGSUD (scorer {scorers[0]}), {budget}, seed {a.Seed}, {pairs.Count} test pairs"), rows, niqeNote);
        table.Print(console);
        var markdown = table.ToMarkdown() + "\n" + string.Join("\n", runs.Select(r =>
            $"- {r.Name}: {r.Outcome.StepsCompleted} steps, run folder `{Path.GetRelativePath(root, r.Outcome.RunDirectory)}`, report `{Path.GetRelativePath(root, r.Outcome.ReportPath)}`")) +
            string.Create(CultureInfo.InvariantCulture, $"\n\nPSNR/SSIM on the MATLAB Y channel of 8-bit outputs; NIQE with the {niqeNote} (lower is better). Total time {total.Elapsed.TotalMinutes:F1} min.\n");
        var mdPath = Path.Combine(root, "ablation.md");
        AtomicFile.WriteAllText(mdPath, markdown);
        console.Out.WriteLine($"ablation: table written to {mdPath}");
        if (a.Json is not null)
        {
            table.WriteJson(a.Json);
            console.Out.WriteLine($"ablation: scores written to {a.Json}");
        }
        return CliApp.Success;
    }
}
