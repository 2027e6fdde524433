using System.Text.Json;
using System.Text.RegularExpressions;
using Rgsud.Cli;
using Rgsud.Imaging;
using Rgsud.Synthesis;
using Rgsud.Testing;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary>
/// The commands a user runs first: <c>rgsud demo</c> (tiny), <c>rgsud ablation</c> (tiny), <c>rgsud eval</c> with
/// NIQE and without ground truth, and <c>rgsud synth</c>.
/// </summary>
public sealed partial class ProductCliTests(ITestOutputHelper output) : CliTestBase(output, "rgsud-product-")
{
    /// <summary>The derainer loss of a run's first step (arms with one seed start from the same weights: equal).</summary>
    private static double FirstLoss(string log) =>
        JsonDocument.Parse(File.ReadLines(log).First(l => !l.Contains("\"event\"", StringComparison.Ordinal))).RootElement.GetProperty("losses").GetProperty("derainer").GetDouble();

    [GeneratedRegex("<img [^>]*src=\"data:image/png;base64,[A-Za-z0-9+/=]{100,}\"")]
    private static partial Regex InlinedPng();

    private static void AssertSelfContained(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        // Every image is inlined.
        Assert.Equal(Regex.Matches(html, "<img ").Count, InlinedPng().Matches(html).Count);
    }

    [Fact]
    public void Demo_tiny_renders_data_trains_both_arms_and_reports()
    {
        var root = Sub("demo");
        var r = Rgsud("demo", "--out", root, "--size", "96", "--train-images", "3", "--test-images", "2", "--iterations", "4",
            "--crop", "32", "--critic-steps", "10", "--seed", "3");
        Assert.Equal(0, r.Code);
        Assert.Equal("", r.Err);

        // The data: unpaired training folders and test pairs.
        Assert.Equal(3, Directory.GetFiles(Path.Combine(root, "data", "train-rainy"), "*.png").Length);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(root, "data", "train-clean"), "*.png").Length);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(root, "data", "test-rainy"), "*.png").Length);

        // The table: input, base, rgsud, with finite scores, in the JSON and on the console.
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "results.json"))))
        {
            var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(["input", "base", "rgsud"], rows.Select(x => x.GetProperty("name").GetString()));
            Assert.All(rows, x => Assert.InRange(x.GetProperty("psnr").GetDouble(), 5, 60));
            Assert.All(rows, x => Assert.InRange(x.GetProperty("ssim").GetDouble(), -1, 1));
        }
        Assert.Contains("| input", r.Out, StringComparison.Ordinal);
        Assert.Contains("| rgsud", r.Out, StringComparison.Ordinal);

        // The summary report links both runs' reports, which exist, and inlines its images.
        var html = File.ReadAllText(Path.Combine(root, "report.html"));
        AssertSelfContained(html);
        Assert.Contains("href=\"base/report.html\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"rgsud/report.html\"", html, StringComparison.Ordinal);
        Assert.Contains("base + RGSUD", html, StringComparison.Ordinal);
        Assert.True(InlinedPng().Matches(html).Count >= 2 * 4 + 1, "the test grid and the bar chart");
        foreach (var arm in new[] { "base", "rgsud" })
        {
            var run = File.ReadAllText(Path.Combine(root, arm, "report.html"));
            AssertSelfContained(run);
            Assert.Contains("Losses", run, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(root, arm, "report-losses-stage1.png")));
        }
        Assert.True(File.Exists(Path.Combine(root, "rgsud", "report-bank-score.png")));
        Assert.Contains("Reward bank", File.ReadAllText(Path.Combine(root, "rgsud", "report.html")), StringComparison.Ordinal);

        // A second demo into the same folder replaces the first; another folder with files is refused.
        var other = Directory.CreateDirectory(Sub("other")).FullName;
        File.WriteAllText(Path.Combine(other, "keep.txt"), "mine");
        var refused = Rgsud("demo", "--out", other, "--iterations", "1");
        Assert.Equal(1, refused.Code);
        Assert.StartsWith($"error: {other}: is not empty", refused.Err, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(other, "keep.txt")));
    }

    private SyntheticRainSetPaths TinySet(string name, int train = 3, int test = 2) =>
        SyntheticRainSet.Write(Sub(name), new SyntheticRainSetOptions
        {
            Width = 96, Height = 96, TrainRainy = train, TrainClean = train, TestPairs = test, Seed = 9,
            Rain = new RainStreakOptions { Density = 20, Opacity = 0.8 },
        });

    [Fact]
    public void Ablation_tiny_trains_every_arm_with_one_budget_and_writes_the_table()
    {
        var data = TinySet("data");
        var root = Sub("ablation");
        var json = Sub("ablation.json");
        var r = Rgsud("ablation", "--rainy", data.TrainRainy, "--clean", data.TrainClean, "--test-rainy", data.TestRainy, "--test-clean", data.TestClean,
            "--out", root, "--iterations", "3", "--crop", "32", "--batch", "1", "--scorer", "niqe", "--scorer", "critic", "--critic-steps", "10",
            "--seed", "2", "--json", json);
        Assert.Equal(0, r.Code);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["input", "base", "rgsud", "rgsud:critic"], rows.Select(x => x.GetProperty("name").GetString()));
        Assert.All(rows, x =>
        {
            Assert.Equal(JsonValueKind.Number, x.GetProperty("psnr").ValueKind);
            Assert.Equal(JsonValueKind.Number, x.GetProperty("ssim").ValueKind);
            Assert.True(x.GetProperty("niqe").GetDouble() > 0);
        });
        Assert.Equal("model fitted on --clean", doc.RootElement.GetProperty("niqeModel").GetString());

        var md = File.ReadAllText(Path.Combine(root, "ablation.md"));
        Assert.Contains("NIQE (model fitted on --clean, lower is better)", md, StringComparison.Ordinal);
        Assert.Matches(@"\| input \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|", md);
        Assert.Contains("| rgsud:critic |", md, StringComparison.Ordinal);

        // Same seed, data and budget: every arm ran the same number of steps.
        foreach (var arm in new[] { "base", "rgsud", "rgsud-critic" })
        {
            var steps = File.ReadAllLines(Path.Combine(root, arm, "log.jsonl")).Count(l => !l.Contains("\"event\"", StringComparison.Ordinal));
            Assert.Equal(3, steps);
            Assert.True(File.Exists(Path.Combine(root, arm, "report.html")));
        }
        Assert.Equal(2, Directory.GetFiles(Path.Combine(root, "test-rgsud-critic"), "*.png").Length);

        // The base arm and the RGSUD arm start from the same weights (same seed): their stage-1 losses agree.
        Assert.Equal(FirstLoss(Path.Combine(root, "base", "log.jsonl")), FirstLoss(Path.Combine(root, "rgsud", "log.jsonl")), 6);
    }

    [Fact]
    public void Ablation_jobs_trains_the_arms_as_concurrent_child_processes_from_the_same_start()
    {
        var data = TinySet("data3", train: 3, test: 1);
        var root = Sub("ablation-jobs");
        var r = Rgsud("ablation", "--rainy", data.TrainRainy, "--clean", data.TrainClean, "--test-rainy", data.TestRainy, "--test-clean", data.TestClean,
            "--out", root, "--iterations", "3", "--crop", "32", "--batch", "1", "--scorer", "niqe", "--seed", "4", "--jobs", "2");
        Assert.True(r.Code == 0, r.Err);
        Assert.Matches(@"as 2 concurrent processes, [0-9]+ libtorch thread\(s\) each", r.Out);
        foreach (var arm in new[] { "base", "rgsud" })
        {
            // Each child's output is kept in OUT/ARM.log and echoed with the arm's name.
            Assert.Contains("finished at step 3", File.ReadAllText(Path.Combine(root, arm + ".log")), StringComparison.Ordinal);
            Assert.Contains($"[{arm}] finished at step 3", r.Out, StringComparison.Ordinal);
            Assert.Contains($"- {arm}: 3 steps", File.ReadAllText(Path.Combine(root, "ablation.md")), StringComparison.Ordinal);
        }
        Assert.Equal(FirstLoss(Path.Combine(root, "base", "log.jsonl")), FirstLoss(Path.Combine(root, "rgsud", "log.jsonl")), 6);
    }

    [Fact]
    public void Ablation_jobs_names_the_arm_and_its_log_when_a_child_fails()
    {
        var data = TinySet("data5", train: 2, test: 1);
        var root = Sub("ablation-fail");
        // 96-pixel images cannot give 128-pixel crops: each child `rgsud train` stops with an error naming an image.
        var r = Rgsud("ablation", "--rainy", data.TrainRainy, "--clean", data.TrainClean, "--test-rainy", data.TestRainy, "--test-clean", data.TestClean,
            "--out", root, "--iterations", "2", "--crop", "128", "--scorer", "niqe", "--jobs", "2");
        Assert.Equal(1, r.Code);
        Assert.Contains($"arm 'base': rgsud train exited with code 1 (see {Path.Combine(root, "base.log")})", r.Err, StringComparison.Ordinal);
        Assert.Contains("smaller than the 128x128 training crop", File.ReadAllText(Path.Combine(root, "base.log")), StringComparison.Ordinal);
    }

    [Fact]
    public void Ablation_jobs_below_one_is_refused()
    {
        var data = TinySet("data4", train: 2, test: 1);
        var r = Rgsud("ablation", "--rainy", data.TrainRainy, "--clean", data.TrainClean, "--test-rainy", data.TestRainy, "--test-clean", data.TestClean,
            "--out", Sub("a4"), "--iterations", "2", "--jobs", "0");
        Assert.Equal(1, r.Code);
        Assert.Equal("error: --jobs must be at least 1 (was 0)", r.Err.Trim());
    }

    [Fact]
    public void Ablation_unknown_scorer_fails_before_training()
    {
        var data = TinySet("data2", train: 2, test: 1);
        var r = Rgsud("ablation", "--rainy", data.TrainRainy, "--clean", data.TrainClean, "--test-rainy", data.TestRainy, "--test-clean", data.TestClean,
            "--out", Sub("a2"), "--iterations", "2", "--scorer", "vibes");
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: unknown scorer 'vibes'", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Sub("a2"), "base")));
    }

    [SharedDataFact]
    public void Eval_reports_official_NIQE_per_image_and_mean_without_ground_truth()
    {
        var model = SharedData.Path("niqe", "niqe_pris_params.npz");
        var input = Directory.CreateDirectory(Sub("in")).FullName;
        foreach (var n in new[] { "061", "062" })
            File.Copy(SharedData.Path("data", "rain100l", "dev", "rainy", $"rain-{n}.webp"), Path.Combine(input, $"rain-{n}.webp"));
        var json = Sub("niqe.json");
        var r = Rgsud("eval", "--input", input, "--niqe-model", model, "--json", json);
        Assert.Equal(0, r.Code);
        Assert.Contains("NIQE", r.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var images = doc.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["rain-061", "rain-062"], images.Select(i => i.GetProperty("name").GetString()));
        Assert.All(images, i => Assert.False(i.TryGetProperty("psnr", out _)));
        // Official model on rain-061: 4.152 (the same value `rgsud score` gives).
        Assert.Equal(4.152, images[0].GetProperty("niqe").GetDouble(), 2);
        Assert.Equal(images.Average(i => i.GetProperty("niqe").GetDouble()), doc.RootElement.GetProperty("mean").GetProperty("niqe").GetDouble(), 9);
        Assert.Equal(Path.GetFullPath(model), doc.RootElement.GetProperty("niqeModel").GetString());

        // With ground truth: PSNR, SSIM and NIQE side by side.
        var both = Rgsud("eval", "--pred", input, "--gt", SharedData.Path("data", "rain100l", "dev", "clean"), "--niqe-model", model, "--json", json);
        Assert.Equal(0, both.Code);
        using var doc2 = JsonDocument.Parse(File.ReadAllText(json));
        var first = doc2.RootElement.GetProperty("images")[0];
        Assert.True(first.GetProperty("psnr").GetDouble() > 20);
        Assert.Equal(4.152, first.GetProperty("niqe").GetDouble(), 2);
    }

    [Fact]
    public void Eval_without_ground_truth_or_model_says_what_to_give()
    {
        var input = Directory.CreateDirectory(Sub("x")).FullName;
        using (var scope = NewDisposeScope()) ImageIO.WritePng(rand(1, 3, 100, 100), Path.Combine(input, "a.png"));
        var r = Rgsud("eval", "--input", input);
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: nothing to compute: give --gt DIR", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_niqe_on_a_too_small_image_names_the_file()
    {
        var input = Directory.CreateDirectory(Sub("small")).FullName;
        var data = TinySet("niqe-data", train: 2, test: 1);
        // A NIQE model fitted by the ablation path's rules, on the synthetic clean images.
        var model = Sub("niqe.json");
        Rewards.Niqe.NiqeModel.Fit(ImageIO.ListImages(data.TrainClean), new Rewards.Niqe.NiqeFitOptions { SharpnessThreshold = 0 }).SaveJson(model);
        using (var scope = NewDisposeScope()) ImageIO.WritePng(rand(1, 3, 40, 50), Path.Combine(input, "tiny.png"));
        var r = Rgsud("eval", "--input", input, "--niqe-model", model);
        Assert.Equal(1, r.Code);
        Assert.StartsWith($"error: {Path.Combine(input, "tiny.png")}: is 50x40; NIQE needs at least 96x96", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Synth_writes_the_four_folders()
    {
        var root = Sub("synth");
        var r = Rgsud("synth", "--out", root, "--width", "100", "--height", "96", "--train-rainy", "2", "--train-clean", "1", "--test", "1", "--density", "30", "--angle", "-15");
        Assert.Equal(0, r.Code);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(root, "train-rainy")).Length);
        Assert.Single(Directory.GetFiles(Path.Combine(root, "train-clean")));
        Assert.Single(Directory.GetFiles(Path.Combine(root, "test-rainy")));
        Assert.Single(Directory.GetFiles(Path.Combine(root, "test-clean")));
        var bad = Rgsud("synth", "--out", root, "--opacity", "2");
        Assert.Equal(1, bad.Code);
        Assert.StartsWith("error: RainStreakOptions.Opacity must be in [0, 1], got 2", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_text_is_html_escaped()
    {
        var html = new Cli.Reports.HtmlReportBuilder("a <b> & \"c\"")
            .Paragraph("<script>alert(1)</script>")
            .Table(["<th>"], [["<td>&"]])
            .Link("x\" onclick=\"y", "<a>")
            .Build(DateTimeOffset.UnixEpoch);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;td&gt;&amp;", html, StringComparison.Ordinal);
        Assert.Contains("href=\"x&quot; onclick=&quot;y\"", html, StringComparison.Ordinal);
    }
}
