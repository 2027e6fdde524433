using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rgsud.Data;
using Rgsud.Imaging;
using Rgsud.IO;
using Rgsud.Networks;
using Rgsud.Networks.Methods.Csud;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using Rgsud.Runtime;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks.Soak;

/// <summary>
/// The long-run check of issue 8: trains the full strategy (CSUD + nafnet-small, NIQE rewards, in-memory bank,
/// checkpoints) on small synthetic crops for many steps and records the process RSS and TorchSharp's live tensor
/// count every N steps, after a full garbage collection, to <c>soak.csv</c> and <c>soak.md</c> with the linear
/// trend (least-squares slope per 1000 steps) past the warm-up.
/// <code>dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- soak --steps 2000 [--every 100] [--out artifacts/soak]</code>
/// </summary>
internal static class SoakBenchmark
{
    /// <summary>Runs the soak; returns the process exit code.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        SoakOptions o;
        try
        {
            o = SoakOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"soak: {e.Message}");
            return 1;
        }

        var report = RgsudRuntime.EnsureInitialized();
        Console.WriteLine($"runtime: {report}");
        var outDir = Path.GetFullPath(o.Out);
        var runDir = Path.Combine(outDir, "run");
        if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true);
        var (rainyDir, cleanDir) = WriteSyntheticData(Path.Combine(outDir, "data"), o.Images, o.ImageSize);

        using var data = UnpairedImageDataset.Load(rainyDir, cleanDir, o.Crop);
        var niqePath = o.NiqeModel ?? FindSharedNiqeModel();
        var model = niqePath is not null ? NiqeModel.Load(niqePath) : NiqeModel.Fit(data.Clean.Select(i => i.Path), new NiqeFitOptions { SharpnessThreshold = 0 });
        Console.WriteLine($"data: {data.Rainy.Count} rainy + {data.Clean.Count} clean synthetic {o.ImageSize}x{o.ImageSize} images; NIQE model {niqePath ?? "fitted on the clean images"}");

        var options = SelfReinforcementOptions.Cpu(o.Steps);
        options.CropSize = o.Crop;
        options.BatchSize = o.Batch;
        options.RecycleEvery = o.RecycleEvery;
        options.CheckpointEvery = o.CheckpointEvery;
        options.LogEvery = o.Every;
        options.Seed = 1;
        options.Stage1Iterations = Math.Min(o.Steps, o.Stage1Steps ?? o.Steps / 10);

        using var method = new CsudMethod(CsudOptions.Small, DerainerRegistry.Create("nafnet-small"), CPU);
        var scorer = new NiqeScorer(model);
        var bank = new InMemoryRewardBank(scorer.Direction, options.ColdStartGuard) { ScorerName = "niqe" };
        var trainer = new SelfReinforcementTrainer(method, data, scorer, bank, new AutoPseudoPairSynthesizer(),
            new MseSelfReinforcementLoss(options.Lambda2), options, runDir);

        var samples = new List<SoakSample>();
        var watch = Stopwatch.StartNew();
        samples.Add(Measure(0, watch, bank));
        var progress = new SyncProgress(p =>
        {
            if (p.Event is not null || p.Step % o.Every != 0) return;
            var s = Measure(p.Step, watch, bank);
            samples.Add(s);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {s.Step,6}  {s.Seconds,7:F0} s  RSS {s.RssMiB,8:F1} MiB  managed {s.ManagedMiB,6:F1} MiB  live tensors {s.LiveTensors,6}  bank {s.BankFilled}"));
        });
        var result = trainer.Train(progress);

        long warmup = o.WarmupSteps ?? Math.Max(o.Steps / 4, options.Stage1Iterations.Value + 2L * o.RecycleEvery);
        var text = Describe(o, samples, warmup, result, report);
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllLines(Path.Combine(outDir, "soak.csv"),
            new[] { "step,seconds,rss_mib,managed_mib,live_tensors,created_outside_scope,bank_filled" }.Concat(samples.Select(s =>
                string.Create(CultureInfo.InvariantCulture,
                    $"{s.Step},{s.Seconds:F1},{s.RssMiB:F1},{s.ManagedMiB:F2},{s.LiveTensors},{s.CreatedOutsideScope},{s.BankFilled}"))));
        AtomicFile.WriteAllText(Path.Combine(outDir, "soak.md"), text);
        Console.WriteLine();
        Console.WriteLine(text);
        Console.WriteLine($"written: {Path.Combine(outDir, "soak.csv")}, {Path.Combine(outDir, "soak.md")}");
        return 0;
    }

    private static SoakSample Measure(long step, Stopwatch watch, InMemoryRewardBank bank)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var stats = DisposeScopeManager.Statistics;
        return new SoakSample(step, watch.Elapsed.TotalSeconds, RssMiB(), GC.GetTotalMemory(false) / 1048576.0,
            stats.ThreadTotalLiveCount, stats.CreatedOutsideScopeCount, bank.GetStatistics().Filled);
    }

    /// <summary>VmRSS from /proc/self/status (Linux), else the working set.</summary>
    private static double RssMiB()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 / 1048576.0;
    }

    /// <summary>Least-squares slope of <paramref name="y"/> against <paramref name="x"/>.</summary>
    internal static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count < 2) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? double.NaN : sxy / sxx;
    }

    private static string Describe(SoakOptions o, List<SoakSample> samples, long warmup, TrainingResult result, RuntimeReport report)
    {
        var steady = samples.Where(s => s.Step >= warmup).ToList();
        var x = steady.Select(s => (double)s.Step).ToList();
        double rssSlope = Slope(x, steady.Select(s => s.RssMiB).ToList()) * 1000;
        double managedSlope = Slope(x, steady.Select(s => s.ManagedMiB).ToList()) * 1000;
        double liveSlope = Slope(x, steady.Select(s => (double)s.LiveTensors).ToList()) * 1000;
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"# Soak: {result.StepsCompleted} steps, crop {o.Crop}, batch {o.Batch}, recycling every {o.RecycleEvery}, checkpoint every {o.CheckpointEvery}, warm-up {warmup}");
        sb.AppendLine();
        sb.AppendLine(ci, $"CSUD + nafnet-small, NIQE rewards, in-memory bank; {o.Images}+{o.Images} synthetic {o.ImageSize}x{o.ImageSize} images. {report}");
        sb.AppendLine(ci, $"Stage 2 from step {result.Stage2StartStep?.ToString(ci) ?? "-"}; skipped updates {result.SkippedUpdates}; training {result.TrainingTime.TotalSeconds:F0} s, recycling {result.RecyclingTime.TotalSeconds:F0} s.");
        sb.AppendLine();
        sb.AppendLine("| step | seconds | RSS (MiB) | managed (MiB) | live tensors | bank filled |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var s in samples)
            sb.AppendLine(ci, $"| {s.Step} | {s.Seconds:F0} | {s.RssMiB:F1} | {s.ManagedMiB:F2} | {s.LiveTensors} | {s.BankFilled} |");
        sb.AppendLine();
        if (steady.Count >= 2)
        {
            sb.AppendLine(ci, $"Trend from step {warmup} on ({steady.Count} samples, least-squares slope per 1000 steps): " +
                $"RSS {rssSlope:+0.0;-0.0;0.0} MiB (range {steady.Min(s => s.RssMiB):F1}–{steady.Max(s => s.RssMiB):F1}), " +
                $"managed heap {managedSlope:+0.00;-0.00;0.00} MiB, live tensors {liveSlope:+0.0;-0.0;0.0} " +
                $"(range {steady.Min(s => s.LiveTensors)}–{steady.Max(s => s.LiveTensors)}).");
        }
        else
        {
            sb.AppendLine("Too few samples after the warm-up for a trend: run more steps or lower --warmup.");
        }
        return sb.ToString();
    }

    /// <summary>Writes smooth random scenes (clean) and the same kind of scenes with streaks (rainy) as PNG files.</summary>
    private static (string Rainy, string Clean) WriteSyntheticData(string root, int count, int size)
    {
        var rainy = Directory.CreateDirectory(Path.Combine(root, "rainy")).FullName;
        var clean = Directory.CreateDirectory(Path.Combine(root, "clean")).FullName;
        using var generator = new Generator(7);
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            ImageIO.WritePng(AddStreaks(Scene(generator, size), generator), Path.Combine(rainy, $"rain-{i:D3}.png"));
            ImageIO.WritePng(Scene(generator, size), Path.Combine(clean, $"norain-{i:D3}.png"));
        }
        return (rainy, clean);
    }

    private static Tensor Scene(Generator g, int size)
    {
        var coarse = nn.functional.interpolate(rand([1, 3, 4, 4], generator: g), [size, size], mode: InterpolationMode.Bilinear, align_corners: true);
        var fine = nn.functional.interpolate(rand([1, 3, size / 8, size / 8], generator: g), [size, size], mode: InterpolationMode.Bilinear, align_corners: true);
        return (coarse * 0.6 + fine * 0.25 + 0.05).clamp(0, 1);
    }

    private static Tensor AddStreaks(Tensor clean, Generator g)
    {
        long h = clean.shape[2], w = clean.shape[3];
        var rain = zeros(1, 1, h, w);
        var xs = randint(0, (int)w, [24], generator: g).data<long>().ToArray();
        var ys = randint(0, (int)h, [24], generator: g).data<long>().ToArray();
        for (int s = 0; s < xs.Length; s++)
            for (long t = 0; t < h / 3; t++)
                rain[0, 0, (ys[s] + t) % h, (xs[s] + t / 3) % w] = 0.5f;
        return (clean + rain).clamp(0, 1);
    }

    /// <summary>../shared/niqe/niqe_pris_params.npz above the working directory or the program, when present.</summary>
    private static string? FindSharedNiqeModel()
    {
        var env = Environment.GetEnvironmentVariable("RGSUD_SHARED");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, "niqe", "niqe_pris_params.npz")))
            return Path.Combine(env, "niqe", "niqe_pris_params.npz");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "niqe", "niqe_pris_params.npz");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
