using System.Text.Json;
using Rgsud.Cli;
using Rgsud.Imaging;
using Rgsud.Testing.Fakes;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary><c>rgsud train</c> end to end on tiny synthetic folders, then <c>derain --model</c> and <c>--resume</c>.</summary>
public sealed class TrainCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rgsud-train-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private (int Code, string Out, string Err) Rgsud(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        output.WriteLine($"$ rgsud {string.Join(' ', args)}  -> {code}");
        output.WriteLine(stdout.ToString());
        if (stderr.ToString().Length > 0) output.WriteLine("stderr: " + stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private (string Rainy, string Clean) Folders()
    {
        var rainy = Directory.CreateDirectory(Path.Combine(dir, "rainy")).FullName;
        var clean = Directory.CreateDirectory(Path.Combine(dir, "clean")).FullName;
        using var g = new Generator(3);
        for (int i = 0; i < 4; i++)
        {
            using var scene = SyntheticRain.Scene(g, 112);
            using var rain = SyntheticRain.AddRain(scene, g, 30);
            ImageIO.WritePng(rain, Path.Combine(rainy, $"rain-{i:D3}.png"));
            using var other = SyntheticRain.Scene(g, 112);
            ImageIO.WritePng(other, Path.Combine(clean, $"norain-{i:D3}.png"));
        }
        return (rainy, clean);
    }

    [Fact]
    public void Train_writes_the_run_folder_and_the_model_derains_and_resumes()
    {
        var (rainy, clean) = Folders();
        var run = Path.Combine(dir, "run");
        string[] common = ["--rainy", rainy, "--clean", clean, "--out", run, "--method", "csud", "--derainer", "nafnet-small",
            "--crop", "32", "--batch", "1", "--recycle-every", "2", "--seed", "1", "--log-every", "1"];
        var first = Rgsud(["train", .. common, "--iterations", "4"]);
        Assert.Equal(0, first.Code);

        var steps = File.ReadAllLines(Path.Combine(run, "log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => !l.TryGetProperty("event", out _)).ToList();
        Assert.Equal(4, steps.Count);
        Assert.All(steps, s => Assert.True(s.GetProperty("losses").GetProperty("derainer").ValueKind == JsonValueKind.Number));
        Assert.Equal(2, steps[^1].GetProperty("stage").GetInt32());
        Assert.All(steps.Where(s => s.GetProperty("stage").GetInt32() == 2), s => Assert.True(s.GetProperty("losses").TryGetProperty("sr", out _)));
        Assert.All(steps.Where(s => s.GetProperty("stage").GetInt32() == 1), s => Assert.False(s.GetProperty("losses").TryGetProperty("sr", out _)));

        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "bank", "manifest.json"))))
        {
            Assert.Equal("niqe", manifest.RootElement.GetProperty("scorer").GetString());
            var entries = manifest.RootElement.GetProperty("entries").EnumerateArray().ToList();
            Assert.Equal(4, entries.Count);
            Assert.All(entries, e => Assert.True(e.GetProperty("inputScore").GetDouble() > 0));
        }
        Assert.True(File.Exists(Path.Combine(run, "derainer.safetensors")));
        Assert.Contains("nafnet-small", File.ReadAllText(Path.Combine(run, "derainer.json")), StringComparison.Ordinal);

        // report.html: self-contained (plots and the before/after grid inlined), plots also beside it as PNG files.
        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains(Path.Combine(run, "report.html"), first.Out, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", report, StringComparison.Ordinal);
        foreach (var heading in new[] { "Stage 1 losses", "Stage 2 losses", "Reward bank", "Before and after", "Timing", "Options" })
            Assert.Contains(heading, report, StringComparison.Ordinal);
        var inlined = report.Split("src=\"data:image/png;base64,").Length - 1;
        Assert.True(inlined >= 4 + 4 * 2, $"{inlined} inlined images: 4 plots and 4 grid rows of rainy + derained (+ rewards)");
        Assert.DoesNotContain("src=\"http", report, StringComparison.Ordinal);
        foreach (var plot in new[] { "report-losses-stage1.png", "report-losses-stage2.png", "report-bank-score.png", "report-bank-activity.png" })
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(run, plot)).Take(4));
        Assert.Contains("request.Method", report, StringComparison.Ordinal);

        var derained = Path.Combine(dir, "derained");
        var derain = Rgsud("derain", "--model", run, "--input", rainy, "--output", derained);
        Assert.Equal(0, derain.Code);
        Assert.Equal(4, Directory.GetFiles(derained, "*.png").Length);

        // A second run into the same folder must say --resume; with it, training continues to the new total.
        var again = Rgsud(["train", .. common, "--iterations", "6"]);
        Assert.Equal(1, again.Code);
        Assert.Contains("pass --resume", again.Err, StringComparison.Ordinal);
        var resumed = Rgsud(["train", .. common, "--iterations", "6", "--resume"]);
        Assert.Equal(0, resumed.Code);
        Assert.Contains("resuming at step 4", resumed.Out, StringComparison.Ordinal);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(run, "log.jsonl")).Count(l => !l.Contains("\"event\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Train_rejects_bad_folders_with_the_path()
    {
        var missing = Path.Combine(dir, "nope");
        var (rainy, _) = Folders();
        var result = Rgsud("train", "--rainy", rainy, "--clean", missing, "--out", Path.Combine(dir, "r"), "--iterations", "2");
        Assert.Equal(1, result.Code);
        Assert.Contains(missing, result.Err, StringComparison.Ordinal);
    }
}
