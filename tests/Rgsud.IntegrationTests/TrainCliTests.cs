using System.Text.Json;
using Rgsud.Cli;
using Rgsud.Imaging;
using Rgsud.Testing.Fakes;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary><c>rgsud train</c> end to end on tiny synthetic folders, then <c>derain --model</c> and <c>--resume</c>.</summary>
public sealed class TrainCliTests(ITestOutputHelper output) : CliTestBase(output, "rgsud-train-")
{
    private (string Rainy, string Clean) Folders()
    {
        var rainy = Directory.CreateDirectory(Path.Combine(Dir, "rainy")).FullName;
        var clean = Directory.CreateDirectory(Path.Combine(Dir, "clean")).FullName;
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
        var run = Path.Combine(Dir, "run");
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

        var derained = Path.Combine(Dir, "derained");
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

    /// <summary>Any method with any built-in derainer, through the strategy's two stages, then derain with the run.</summary>
    [Theory]
    [InlineData("csud", "prenet")]
    [InlineData("csud", "restormer-small")]
    [InlineData("cyclegan", "nafnet-small")]
    [InlineData("cyclegan", "prenet")]
    public void Train_takes_any_method_and_derainer(string method, string network)
    {
        var (rainy, clean) = Folders();
        var run = Path.Combine(Dir, $"run-{method}-{network}");
        var result = Rgsud("train", "--rainy", rainy, "--clean", clean, "--out", run, "--method", method, "--derainer", network,
            "--crop", "32", "--batch", "1", "--iterations", "2", "--recycle-every", "1", "--seed", "2", "--log-every", "1");
        Assert.Equal(0, result.Code);
        var steps = File.ReadAllLines(Path.Combine(run, "log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => !l.TryGetProperty("event", out _)).ToList();
        Assert.Equal([1, 2], steps.Select(s => s.GetProperty("stage").GetInt32()));
        Assert.All(steps, s => Assert.All(s.GetProperty("losses").EnumerateObject(), l => Assert.True(double.IsFinite(l.Value.GetDouble()), l.Name)));
        Assert.True(steps[1].GetProperty("losses").TryGetProperty("sr", out _), "stage 2 has the SR loss");
        using (var description = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "derainer.json"))))
            Assert.Contains(network, description.RootElement.GetRawText(), StringComparison.Ordinal);
        // The CPU preset's pseudo-pair weight: 0 for CSUD (its young T's pairs hurt at CPU budgets), 0.05 otherwise.
        using (var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "options.json"))))
            Assert.Equal(method == "csud" ? 0 : 0.05, options.RootElement.GetProperty("options").GetProperty("Lambda1").GetDouble());

        var derained = Path.Combine(Dir, $"derained-{method}-{network}");
        Assert.Equal(0, Rgsud("derain", "--model", run, "--input", rainy, "--output", derained).Code);
        Assert.Equal(4, Directory.GetFiles(derained, "*.png").Length);
    }

    [Fact]
    public void Train_rejects_bad_folders_with_the_path()
    {
        var missing = Path.Combine(Dir, "nope");
        var (rainy, _) = Folders();
        var result = Rgsud("train", "--rainy", rainy, "--clean", missing, "--out", Path.Combine(Dir, "r"), "--iterations", "2");
        Assert.Equal(1, result.Code);
        Assert.Contains(missing, result.Err, StringComparison.Ordinal);
    }
}
