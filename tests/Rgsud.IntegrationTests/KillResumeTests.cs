using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rgsud.Checkpoints;
using Rgsud.Imaging;
using Rgsud.Testing.Fakes;
using Rgsud.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary>
/// Issue 8, crash safety end to end: the real CLI is killed with SIGKILL at seeded random points — during start-up,
/// between steps, and while a checkpoint is being written — ten times, and resumed each time; every resume must start
/// at the last complete checkpoint, nothing written before may change, and the run must complete.
/// </summary>
public sealed partial class KillResumeTests(ITestOutputHelper output) : IDisposable
{
    private const int Total = 24;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);
    private readonly string dir = Directory.CreateTempSubdirectory("rgsud-kill-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"^stage \d step (\d+)")]
    private static partial Regex StepLine();

    private (string Rainy, string Clean) Folders()
    {
        var rainy = Directory.CreateDirectory(Path.Combine(dir, "rainy")).FullName;
        var clean = Directory.CreateDirectory(Path.Combine(dir, "clean")).FullName;
        using var g = new Generator(3);
        for (int i = 0; i < 3; i++)
        {
            using var scene = SyntheticRain.Scene(g, 100);
            using var rain = SyntheticRain.AddRain(scene, g, 30);
            ImageIO.WritePng(rain, Path.Combine(rainy, $"rain-{i:D3}.png"));
            using var other = SyntheticRain.Scene(g, 100);
            ImageIO.WritePng(other, Path.Combine(clean, $"norain-{i:D3}.png"));
        }
        return (rainy, clean);
    }

    private string[] TrainArgs(string rainy, string clean, string run) =>
    [
        "train", "--rainy", rainy, "--clean", clean, "--out", run, "--method", "csud", "--derainer", "nafnet-small",
        "--crop", "32", "--batch", "1", "--recycle-every", "5", "--seed", "1", "--log-every", "1",
        "--iterations", Total.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--checkpoint-every", "2", "--keep-checkpoints", "3", "--resume",
    ];

    private static long LastStep(CliProcess p) =>
        p.Lines.Select(l => StepLine().Match(l)).Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1).Max();

    private static string[] TemporaryCheckpoints(string checkpoints) =>
        Directory.Exists(checkpoints) ? Directory.GetDirectories(checkpoints, ".tmp-step-*") : [];

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f),
            f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void Ten_kills_at_random_points_each_resume_from_the_last_complete_checkpoint_and_the_run_completes()
    {
        var (rainy, clean) = Folders();
        var run = Path.Combine(dir, "run");
        var checkpoints = Path.Combine(run, "checkpoints");
        var args = TrainArgs(rainy, clean, run);
        var rng = new Random(20261129);
        var complete = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal); // checkpoint -> file -> sha256
        long? expected = null;
        var table = new List<string> { "| run | killed | resumed at (its output) | last complete checkpoint before it | last step it printed | complete checkpoints after the kill |", "|---:|---|---:|---:|---:|---|" };

        for (int kill = 1; kill <= 10; kill++)
        {
            bool duringWrite = kill == 4;
            var expectedBefore = expected;
            var staleTemporary = TemporaryCheckpoints(checkpoints);
            var env = duringWrite ? new Dictionary<string, string> { [CheckpointStore.DebugPauseVariable] = "5000" } : null;
            string how;
            using var p = CliProcess.Start(args, env);
            if (duringWrite)
            {
                Assert.True(p.WaitUntil(() => TemporaryCheckpoints(checkpoints).Except(staleTemporary).Any(), Patience), "no checkpoint write started:\n" + p.Output);
                var tmp = TemporaryCheckpoints(checkpoints).Except(staleTemporary).First();
                Thread.Sleep(rng.Next(50, 1500)); // inside the 5 s pause: contents written, manifest not yet
                p.Kill();
                Assert.True(Directory.Exists(tmp), "the interrupted write should leave its temporary folder");
                Assert.False(File.Exists(Path.Combine(tmp, "checkpoint.json")));
                how = $"while writing {Path.GetFileName(tmp)[5..20]}";
            }
            else if (rng.Next(4) == 0)
            {
                int ms = rng.Next(200, 4000);
                p.WaitUntil(() => false, TimeSpan.FromMilliseconds(ms));
                p.Kill();
                how = $"{ms} ms after start";
            }
            else
            {
                long target = Math.Min((expected ?? 0) + rng.Next(1, 6), Total - 1);
                Assert.True(p.WaitUntil(() => LastStep(p) >= target, Patience), $"step {target} never came:\n{p.Output}");
                int jitter = rng.Next(0, 300);
                Thread.Sleep(jitter);
                p.Kill();
                how = $"step {target} + {jitter} ms";
            }
            Assert.DoesNotContain(p.Lines, l => l.StartsWith("finished at step", StringComparison.Ordinal));

            // Where did this run resume? (It may have been killed before saying so.)
            var resumeLine = p.Lines.FirstOrDefault(l => l.StartsWith("resuming at step", StringComparison.Ordinal) || l.StartsWith("no checkpoint to resume", StringComparison.Ordinal));
            string resumed = resumeLine is null ? "(killed before)" : resumeLine.StartsWith("resuming", StringComparison.Ordinal) ? resumeLine["resuming at step ".Length..] : "0 (fresh)";
            if (resumeLine is not null)
                Assert.Equal(expected is null ? "no checkpoint to resume: starting afresh" : $"resuming at step {expected}", resumeLine);

            // Nothing complete was damaged: every visible checkpoint verifies, and those seen before are byte-identical.
            var store = new CheckpointStore(checkpoints);
            foreach (var c in store.List()) Assert.Null(CheckpointStore.Verify(c.Directory));
            foreach (var (name, hashes) in complete)
            {
                var folder = Path.Combine(checkpoints, name);
                if (Directory.Exists(folder)) Assert.Equal(hashes, Hashes(folder));
            }
            foreach (var c in store.List()) complete.TryAdd(Path.GetFileName(c.Directory), Hashes(c.Directory));
            AssertLogReadable(run);
            expected = store.FindLatestValid()?.Step;
            table.Add($"| {kill} | {how} | {resumed} | {expectedBefore?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} | {LastStep(p)} | {string.Join(", ", store.List().Select(c => c.Step))} |");
        }

        using (var last = CliProcess.Start(args))
        {
            Assert.Equal(0, last.WaitForExit(TimeSpan.FromMinutes(5)));
            Assert.Contains(expected is null ? "no checkpoint to resume: starting afresh" : $"resuming at step {expected}", last.Lines);
            Assert.Contains(last.Lines, l => l.StartsWith($"finished at step {Total};", StringComparison.Ordinal));
            table.Add($"| 11 | not killed: ran to the end | {expected} | {expected} | {LastStep(last)} | {string.Join(", ", new CheckpointStore(checkpoints).List().Select(c => c.Step))} |");
        }

        // The log has every step exactly once (lines past a resumed checkpoint were dropped and redone).
        var steps = File.ReadAllLines(Path.Combine(run, "log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => !l.TryGetProperty("event", out _)).Select(l => l.GetProperty("step").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), steps);
        var finalStore = new CheckpointStore(checkpoints);
        Assert.Equal(Total, finalStore.FindLatestValid()!.Step);
        Assert.Empty(Directory.GetDirectories(checkpoints, ".tmp-*"));
        using (var net = global::Rgsud.Networks.DerainerRegistry.Create("nafnet-small"))
            Assert.NotEmpty(ModuleWeights.Load(net, Path.Combine(run, "derainer.safetensors")).Loaded);
        output.WriteLine(string.Join('\n', table));
    }

    private static void AssertLogReadable(string run)
    {
        var log = Path.Combine(run, "log.jsonl");
        if (!File.Exists(log)) return;
        var lines = File.ReadAllLines(log);
        // Only the last line may be torn by a kill.
        for (int i = 0; i < lines.Length - 1; i++) JsonDocument.Parse(lines[i]).Dispose();
    }

    [Fact]
    public void A_corrupt_newest_checkpoint_is_reported_and_the_run_resumes_from_the_previous_one()
    {
        var (rainy, clean) = Folders();
        var run = Path.Combine(dir, "run");
        string[] common = ["train", "--rainy", rainy, "--clean", clean, "--out", run, "--method", "csud", "--derainer", "nafnet-small",
            "--crop", "32", "--batch", "1", "--recycle-every", "2", "--seed", "1", "--log-every", "1", "--checkpoint-every", "2", "--keep-checkpoints", "3"];
        using (var first = CliProcess.Start([.. common, "--iterations", "4"])) Assert.Equal(0, first.WaitForExit(TimeSpan.FromMinutes(4)));
        var newest = Path.Combine(run, "checkpoints", "step-0000000004");
        var state = Path.Combine(newest, "trainer.json");
        var bytes = File.ReadAllBytes(state);
        bytes[^3] ^= 0x20;
        File.WriteAllBytes(state, bytes);

        using var resumed = CliProcess.Start([.. common, "--iterations", "6", "--resume"]);
        Assert.Equal(0, resumed.WaitForExit(TimeSpan.FromMinutes(4)));
        output.WriteLine(resumed.Output);
        Assert.Contains($"stderr: warning: checkpoint {newest} is unusable: trainer.json fails its SHA-256 check (corrupt); falling back to an older one", resumed.Lines);
        Assert.Contains("resuming at step 2", resumed.Lines);
        Assert.Contains(resumed.Lines, l => l.StartsWith("finished at step 6;", StringComparison.Ordinal));
        // The corrupt checkpoint was replaced by a good one when step 4 came round again.
        Assert.Null(CheckpointStore.Verify(newest));
        var start = File.ReadAllLines(Path.Combine(run, "log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Last(l => l.TryGetProperty("event", out var e) && e.GetString() == "start");
        Assert.Equal("step-0000000002", start.GetProperty("resumedFrom").GetString());
        Assert.StartsWith("step-0000000004: trainer.json fails its SHA-256 check", start.GetProperty("unusableCheckpoints")[0].GetString(), StringComparison.Ordinal);
    }
}
