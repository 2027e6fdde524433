using System.Text.Json;
using Rgsud.Cli;
using Rgsud.Imaging;
using Rgsud.Networks.Derainers;
using Rgsud.Testing;
using Rgsud.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary>The <c>rgsud</c> command line, run in-process.</summary>
public sealed class CliTests(ITestOutputHelper output) : CliTestBase(output, "rgsud-cli-")
{

    [SharedDataFact]
    public void Derain_ThenEval_TwoDevImages_WithJson()
    {
        var input = Directory.CreateDirectory(Sub("in")).FullName;
        foreach (var n in new[] { "061", "062" })
            File.Copy(SharedData.Path("data", "rain100l", "dev", "rainy", $"rain-{n}.webp"), Path.Combine(input, $"rain-{n}.webp"));

        var derain = Rgsud("derain", "--network", "prenet", "--weights", SharedData.Path("weights", "prenet6-rain100l.safetensors"),
            "--input", input, "--output", Sub("out"));
        Assert.Equal(0, derain.Code);
        Assert.Equal("", derain.Err);
        Assert.Contains("[2/2] rain-062.webp", derain.Out, StringComparison.Ordinal);
        Assert.Equal(["rain-061.png", "rain-062.png"], Directory.GetFiles(Sub("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var json = Sub("report", "scores.json");
        var eval = Rgsud("eval", "--pred", Sub("out"), "--gt", SharedData.Path("data", "rain100l", "dev", "clean"), "--json", json);
        Assert.Equal(0, eval.Code);
        Assert.Equal("", eval.Err);
        Assert.Contains("rain-061", eval.Out, StringComparison.Ordinal);
        Assert.Contains("mean (2)", eval.Out, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var images = doc.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["rain-061", "rain-062"], images.Select(i => i.GetProperty("name").GetString()));
        var psnr = images.Select(i => i.GetProperty("psnr").GetDouble()).ToList();
        Assert.All(psnr, p => Assert.True(p > 30, $"PSNR {p}"));
        // The PyTorch reference for these two images (see PReNetRain100LTests).
        Assert.InRange(psnr[0], 34.66 - 0.1, 34.66 + 0.1);
        Assert.InRange(psnr[1], 35.21 - 0.1, 35.21 + 0.1);
        Assert.All(images, i => Assert.InRange(i.GetProperty("ssim").GetDouble(), 0.9, 1.0));
        Assert.Equal(psnr.Average(), doc.RootElement.GetProperty("mean").GetProperty("psnr").GetDouble(), 9);
        Assert.Equal("y", doc.RootElement.GetProperty("channel").GetString());
        Assert.Single(Directory.GetFiles(Sub("report")));
    }

    /// <summary>Random PReNet weights and two tiny images: for the fast error-path tests.</summary>
    private (string Weights, string Input) TinySetup()
    {
        var weights = Sub("w.safetensors");
        using (var net = new PReNet()) ModuleWeights.Save(net, weights);
        var input = Directory.CreateDirectory(Sub("tiny")).FullName;
        using var scope = NewDisposeScope();
        ImageIO.WritePng(rand(1, 3, 16, 14), Path.Combine(input, "a-1.png"));
        ImageIO.WritePng(rand(1, 3, 16, 14), Path.Combine(input, "b-2.png"));
        return (weights, input);
    }

    [Fact]
    public void Derain_SingleFile_And_EvalAgainstItself()
    {
        var (weights, input) = TinySetup();
        var r = Rgsud("derain", "--weights", weights, "--input", Path.Combine(input, "a-1.png"), "--output", Sub("o"));
        Assert.Equal(0, r.Code);
        Assert.True(File.Exists(Sub("o", "a-1.png")));

        var json = Sub("s.json");
        var e = Rgsud("eval", "--pred", Sub("o"), "--gt", Sub("o"), "--channel", "rgb", "--json", json);
        Assert.Equal(0, e.Code);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("Infinity", doc.RootElement.GetProperty("images")[0].GetProperty("psnr").GetString());
        Assert.Equal(1.0, doc.RootElement.GetProperty("mean").GetProperty("ssim").GetDouble());
    }

    [Fact]
    public void Derain_UnknownNetwork_FailsWithOneLine()
    {
        var r = Rgsud("derain", "--network", "unet", "--weights", "w", "--input", "i", "--output", Sub("o"));
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: unknown network 'unet'; known networks: ", r.Err, StringComparison.Ordinal);
        Assert.Contains("prenet", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Derain_MissingWeights_NamesTheFile()
    {
        var (_, input) = TinySetup();
        var missing = Sub("none.safetensors");
        var r = Rgsud("derain", "--weights", missing, "--input", input, "--output", Sub("o"));
        Assert.Equal(1, r.Code);
        Assert.Equal($"error: {missing}: file not found" + Environment.NewLine, r.Err);
    }

    [Fact]
    public void Derain_CorruptImage_NamesTheFile()
    {
        var (weights, input) = TinySetup();
        var bad = Path.Combine(input, "c-3.png");
        File.WriteAllText(bad, "not a png");
        var r = Rgsud("derain", "--weights", weights, "--input", input, "--output", Sub("o"));
        Assert.Equal(1, r.Code);
        Assert.StartsWith($"error: {bad}: ", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Derain_Cuda_WhenUnavailable_IsAClearError()
    {
        if (cuda.is_available()) return;
        var (weights, input) = TinySetup();
        var r = Rgsud("derain", "--weights", weights, "--input", input, "--output", Sub("o"), "--device", "cuda");
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: --device cuda: CUDA is not available", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_ImageTooSmallForSsim_NamesTheFile()
    {
        var dir = Directory.CreateDirectory(Sub("small")).FullName;
        using (var scope = NewDisposeScope()) ImageIO.WritePng(rand(1, 3, 16, 14), Path.Combine(dir, "x-1.png"));
        var r = Rgsud("eval", "--pred", dir, "--gt", dir, "--crop-border", "3");
        Assert.Equal(1, r.Code);
        Assert.StartsWith($"error: {Path.Combine(dir, "x-1.png")}: ", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_NegativeCropBorder_IsAParseError()
    {
        var r = Rgsud("eval", "--pred", Dir, "--gt", Dir, "--crop-border", "-1");
        Assert.NotEqual(0, r.Code);
        Assert.Contains("--crop-border must be 0 or more.", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Derain_MissingRequiredOption_IsAParseError()
    {
        var r = Rgsud("derain", "--input", "x");
        Assert.NotEqual(0, r.Code);
        Assert.Contains("--output", r.Err, StringComparison.Ordinal);
        var neither = Rgsud("derain", "--input", "x", "--output", Sub("o"));
        Assert.Equal(1, neither.Code);
        Assert.Equal("error: give either --model RUN_DIR or --network NAME --weights FILE\n", neither.Err.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Eval_NoPairs_IsAnError_UnpairedPredictionsAreAWarning()
    {
        var (_, input) = TinySetup();
        var gt = Directory.CreateDirectory(Sub("gt")).FullName;
        using (var scope = NewDisposeScope()) ImageIO.WritePng(rand(1, 3, 16, 14), Path.Combine(gt, "clean-1.png"));

        var none = Rgsud("eval", "--pred", input, "--gt", Directory.CreateDirectory(Sub("gt2")).FullName);
        Assert.Equal(1, none.Code);
        Assert.Contains("the folder holds no images", none.Err, StringComparison.Ordinal);

        var partial = Rgsud("eval", "--pred", input, "--gt", gt);
        Assert.Equal(0, partial.Code);
        Assert.Equal("warning: 1 prediction without ground truth, not scored: b-2.png" + Environment.NewLine, partial.Err);
        Assert.Contains("a-1", partial.Out, StringComparison.Ordinal);

        File.Move(Path.Combine(gt, "clean-1.png"), Path.Combine(gt, "clean-7.png"));
        var nothing = Rgsud("eval", "--pred", input, "--gt", gt);
        Assert.Equal(1, nothing.Code);
        Assert.StartsWith($"error: no prediction in {input} has a ground-truth partner in {gt}", nothing.Err, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Score_Niqe_GivesTheKnownDevValue_AndWritesJson()
    {
        var model = SharedData.Path("niqe", "niqe_pris_params.npz");
        var json = Sub("niqe.json");
        var rainy = Rgsud("score", "--scorer", "niqe", "--model", model, "--input", SharedData.Path("data", "rain100l", "dev", "rainy", "rain-061.webp"), "--json", json);
        Assert.Equal(0, rainy.Code);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("niqe", doc.RootElement.GetProperty("scorer").GetString());
        Assert.True(doc.RootElement.GetProperty("lowerIsBetter").GetBoolean());
        var image = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray());
        Assert.Equal("rain-061", image.GetProperty("name").GetString());
        // Official model on 061: rainy 4.152, clean 2.554 (Rgsud.Rewards.Tests prints the whole table).
        Assert.Equal(4.152, image.GetProperty("score").GetDouble(), 2);
        Assert.Equal(image.GetProperty("score").GetDouble(), doc.RootElement.GetProperty("mean").GetDouble());

        var missing = Rgsud("score", "--scorer", "niqe", "--input", SharedData.Path("niqe", "baboon.png"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("needs a pristine model", missing.Err, StringComparison.Ordinal);
    }
}
