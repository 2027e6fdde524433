using System.Text.Json;
using Rgsud.Cli;
using Rgsud.Imaging;
using Rgsud.Testing.Fakes;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary>Issue 8 at the command line: the bad-file policy of <c>train</c>, empty folders, eval partners, options.</summary>
public sealed class BadInputCliTests(ITestOutputHelper output) : CliTestBase(output, "rgsud-bad-")
{
    /// <summary>Two good rainy and clean images, plus three bad rainy files.</summary>
    private (string Rainy, string Clean, string[] Bad) Folders()
    {
        var rainy = Directory.CreateDirectory(Path.Combine(Dir, "rainy")).FullName;
        var clean = Directory.CreateDirectory(Path.Combine(Dir, "clean")).FullName;
        using var g = new Generator(5);
        for (int i = 0; i < 2; i++)
        {
            using var scene = SyntheticRain.Scene(g, 100);
            using var rain = SyntheticRain.AddRain(scene, g, 30);
            ImageIO.WritePng(rain, Path.Combine(rainy, $"rain-{i}.png"));
            using var other = SyntheticRain.Scene(g, 100);
            ImageIO.WritePng(other, Path.Combine(clean, $"clean {i} 雨.png"));
        }
        var text = Path.Combine(rainy, "a-notes.png");
        File.WriteAllText(text, "not an image");
        var empty = Path.Combine(rainy, "b-empty.png");
        File.WriteAllBytes(empty, []);
        var tiny = Path.Combine(rainy, "c-tiny.png");
        using (var small = rand(1, 3, 8, 8)) ImageIO.WritePng(small, tiny);
        return (rainy, clean, [text, empty, tiny]);
    }

    private static string[] Train(string rainy, string clean, string run, params string[] extra) =>
        ["train", "--rainy", rainy, "--clean", clean, "--out", run, "--derainer", "nafnet-small", "--crop", "32", "--batch", "1",
         "--iterations", "2", "--recycle-every", "1", "--seed", "1", .. extra];

    [Fact]
    public void Train_skip_warns_per_file_counts_them_in_the_summary_and_the_log_and_runs_the_self_check()
    {
        var (rainy, clean, bad) = Folders();
        var run = Path.Combine(Dir, "run");
        var r = Rgsud(Train(rainy, clean, run, "--on-bad-file", "skip"));
        Assert.Equal(0, r.Code);
        Assert.Contains($"warning: skipping {bad[0]}: not a recognised image (unknown format)", r.Err, StringComparison.Ordinal);
        Assert.Contains($"warning: skipping {bad[1]}: empty file (0 bytes)", r.Err, StringComparison.Ordinal);
        Assert.Contains($"warning: skipping {bad[2]}: image is 8x8, smaller than the 32x32 training crop", r.Err, StringComparison.Ordinal);
        Assert.Contains("data: 2 rainy, 2 clean images (3 skipped)", r.Out, StringComparison.Ordinal);
        Assert.Contains("skipped files 3;", r.Out, StringComparison.Ordinal);
        // The start-up numerics self-check ran and is reported, in the output and in the log.
        Assert.Matches(@"runtime: libtorch .*self-check ChannelsLast: passed", r.Out);

        var start = File.ReadAllLines(Path.Combine(run, "log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.TryGetProperty("event", out var e) && e.GetString() == "start");
        Assert.Equal(3, start.GetProperty("skippedFiles").GetInt32());
        Assert.Equal(3, start.GetProperty("skippedFileList").GetArrayLength());
        Assert.StartsWith("ChannelsLast: passed", start.GetProperty("selfCheck").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_fail_stops_at_the_first_bad_file_naming_it()
    {
        var (rainy, clean, bad) = Folders();
        var r = Rgsud(Train(rainy, clean, Path.Combine(Dir, "run"), "--on-bad-file", "fail"));
        Assert.Equal(1, r.Code);
        Assert.Equal($"error: {bad[0]}: not a recognised image (unknown format)", r.Err.TrimEnd());
    }

    [Fact]
    public void Train_with_an_empty_folder_names_the_folder()
    {
        var (_, clean, _) = Folders();
        var empty = Directory.CreateDirectory(Path.Combine(Dir, "empty rainy")).FullName;
        var r = Rgsud(Train(empty, clean, Path.Combine(Dir, "run")));
        Assert.Equal(1, r.Code);
        Assert.Equal($"error: {empty}: the rainy folder has no usable image", r.Err.TrimEnd());
    }

    [Fact]
    public void Train_rejects_an_invalid_skip_limit_with_a_clear_message()
    {
        var (rainy, clean, _) = Folders();
        var r = Rgsud(Train(rainy, clean, Path.Combine(Dir, "run"), "--max-skipped-steps", "0"));
        Assert.Equal(1, r.Code);
        Assert.Equal("error: invalid training options: MaxConsecutiveSkippedSteps must be at least 1 (was 0).", r.Err.TrimEnd());
    }

    [Fact]
    public void Eval_with_a_differently_sized_partner_names_both_files()
    {
        var pred = Directory.CreateDirectory(Path.Combine(Dir, "pred")).FullName;
        var gt = Directory.CreateDirectory(Path.Combine(Dir, "gt")).FullName;
        using (var scope = NewDisposeScope())
        {
            ImageIO.WritePng(rand(1, 3, 16, 14), Path.Combine(pred, "rain-1.png"));
            ImageIO.WritePng(rand(1, 3, 16, 20), Path.Combine(gt, "norain-1.png"));
            ImageIO.WritePng(rand(1, 3, 16, 14), Path.Combine(pred, "rain-2.png")); // no partner: a warning
        }
        var r = Rgsud("eval", "--pred", pred, "--gt", gt);
        Assert.Equal(1, r.Code);
        Assert.Contains("warning: 1 prediction without ground truth, not scored: rain-2.png", r.Err, StringComparison.Ordinal);
        Assert.Contains($"error: {Path.Combine(pred, "rain-1.png")}: is 14x16 but its ground truth norain-1.png is 20x16", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_with_a_corrupt_or_tiny_prediction_names_the_file()
    {
        var pred = Directory.CreateDirectory(Path.Combine(Dir, "pred")).FullName;
        var gt = Directory.CreateDirectory(Path.Combine(Dir, "gt")).FullName;
        using (var scope = NewDisposeScope())
        {
            ImageIO.WritePng(rand(1, 3, 5, 7), Path.Combine(pred, "x-1.png"));
            ImageIO.WritePng(rand(1, 3, 5, 7), Path.Combine(gt, "x-1.png"));
        }
        var tiny = Rgsud("eval", "--pred", pred, "--gt", gt);
        Assert.Equal(1, tiny.Code);
        Assert.StartsWith($"error: {Path.Combine(pred, "x-1.png")}: ", tiny.Err, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(pred, "x-1.png"), "garbage");
        var corrupt = Rgsud("eval", "--pred", pred, "--gt", gt);
        Assert.Equal(1, corrupt.Code);
        Assert.Equal($"error: {Path.Combine(pred, "x-1.png")}: not a recognised image (unknown format)", corrupt.Err.TrimEnd());
    }
}
