using System.Text.Json;
using Rgsud.Cli;
using Rgsud.Imaging;
using Rgsud.Rewards.DaClip;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary><c>rgsud score --scorer daclip</c> and <c>rgsud train --daclip-weights</c> with small random DA-CLIP weights.</summary>
public sealed class DaClipCliTests(ITestOutputHelper output) : CliTestBase(output, "rgsud-daclip-cli-")
{
    /// <summary>Random weights of a small DA-CLIP (224 px, patch 32, width 64, 2 layers) in Rgsud's format.</summary>
    private string RandomWeights()
    {
        var path = Path.Combine(Dir, "daclip-random.safetensors");
        using var model = new DaClipModel(new DaClipConfig { PatchSize = 32, Width = 64, Layers = 2, Heads = 4, OutputDim = 32 });
        model.Save(path);
        return path;
    }

    [Fact]
    public void Score_DaClip_WithRandomWeights_WritesTheJson()
    {
        var weights = RandomWeights();
        var input = Directory.CreateDirectory(Path.Combine(Dir, "in")).FullName;
        using (var a = rand(1, 3, 48, 64)) ImageIO.WritePng(a, Path.Combine(input, "a.png"));
        using (var b = rand(1, 3, 64, 48)) ImageIO.WritePng(b, Path.Combine(input, "b.png"));
        var json = Path.Combine(Dir, "daclip.json");

        var r = Rgsud("score", "--scorer", "daclip", "--model", weights, "--input", input, "--json", json);
        Assert.Equal(0, r.Code);
        Assert.Equal("", r.Err);
        Assert.Contains("(daclip, higher is better)", r.Out, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("daclip", doc.RootElement.GetProperty("scorer").GetString());
        Assert.False(doc.RootElement.GetProperty("lowerIsBetter").GetBoolean());
        var images = doc.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], images.Select(i => i.GetProperty("name").GetString()));
        var scores = images.Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.Equal(scores.Average(), doc.RootElement.GetProperty("mean").GetDouble(), 12);
    }

    [Fact]
    public void Score_DaClip_WithoutOrWithBadWeights_IsAClearError()
    {
        var input = Directory.CreateDirectory(Path.Combine(Dir, "in")).FullName;
        using (var a = rand(1, 3, 32, 32)) ImageIO.WritePng(a, Path.Combine(input, "a.png"));
        var none = Rgsud("score", "--scorer", "daclip", "--input", input);
        Assert.Equal(1, none.Code);
        Assert.StartsWith("error: scorer 'daclip' needs weights: ", none.Err, StringComparison.Ordinal);

        var missing = Path.Combine(Dir, "missing.safetensors");
        var bad = Rgsud("score", "--scorer", "daclip", "--model", missing, "--input", input);
        Assert.Equal(1, bad.Code);
        Assert.StartsWith($"error: {missing}: file not found", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_DaClipWeights_ReachTheScorer()
    {
        // What `rgsud train --scorer daclip --daclip-weights FILE` hands the catalog (a training run takes too long for a unit test).
        var weights = RandomWeights();
        var request = new Cli.Commands.TrainRequest(Path.Combine(Dir, "rainy"), Path.Combine(Dir, "clean"), Path.Combine(Dir, "run"), "csud", null,
            "rgsud", "daclip", null, 2, null, null, null, null, null, 0, "cpu", "cpu", false, "skip", "off", null) { DaclipWeights = weights };
        var context = Cli.Commands.TrainCommand.ScorerContextFor(request, Path.Combine(Dir, "run"), null, CPU);
        Assert.Equal(weights, context.DaclipWeightsPath);
        using var scorer = Assert.IsType<DaClipScorer>(Rewards.Scorers.ScorerCatalog.Create(request.Scorer, context));
        Assert.Equal("daclip", scorer.Name);
    }

    [Fact]
    public void Train_DaClip_WithoutWeights_FailsBeforeLoadingAnything()
    {
        var r = Rgsud("train", "--rainy", Path.Combine(Dir, "rainy"), "--clean", Path.Combine(Dir, "clean"), "--out", Path.Combine(Dir, "run"),
            "--scorer", "daclip", "--iterations", "2");
        Assert.Equal(1, r.Code);
        Assert.StartsWith("error: --scorer daclip needs --daclip-weights FILE", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Dir, "run")));

        var missing = Path.Combine(Dir, "missing.safetensors");
        var m = Rgsud("train", "--rainy", Path.Combine(Dir, "rainy"), "--clean", Path.Combine(Dir, "clean"), "--out", Path.Combine(Dir, "run"),
            "--scorer", "daclip", "--daclip-weights", missing, "--iterations", "2");
        Assert.Equal(1, m.Code);
        Assert.StartsWith($"error: {missing}: --daclip-weights: file not found", m.Err, StringComparison.Ordinal);
    }
}
