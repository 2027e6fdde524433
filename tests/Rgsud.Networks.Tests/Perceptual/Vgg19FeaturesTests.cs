using Rgsud.Networks.Derainers;
using Rgsud.Networks.Methods.Csud;
using Rgsud.Networks.Perceptual;
using Rgsud.Networks.Tests.Methods;
using Rgsud.Testing;
using Rgsud.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Perceptual;

public sealed class Vgg19FeaturesTests
{
    // torchvision vgg19: 143,667,240 parameters; classifier 25088·4096+4096 + 4096·4096+4096 + 4096·1000+1000
    // = 123,642,856; the 16 convolutions of `features` therefore hold 20,024,384.
    private const long FeatureParameters = 20_024_384;
    private static readonly int[] ConvIndices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34];

    [Fact]
    public void StateDict_IsTorchvisionFeatures()
    {
        using var vgg = new Vgg19Features();
        Assert.Equal(FeatureParameters, vgg.parameters().Sum(p => p.numel()));
        var expected = ConvIndices.SelectMany(i => new[] { $"features.{i}.weight", $"features.{i}.bias" }).Order(StringComparer.Ordinal);
        Assert.Equal(expected, vgg.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal([512L, 512, 3, 3], vgg.state_dict()["features.34.weight"].shape);
        Assert.Equal(16, vgg.LayerNames.Count);
    }

    [Fact]
    public void Extract_GivesBeforeReluFeatures_AtEachScale()
    {
        using var vgg = new Vgg19Features();
        using var scope = NewDisposeScope();
        var x = rand(1, 3, 35, 33);
        var f = vgg.Extract(x, ["conv1_2", "conv3_4", "conv5_4"]);
        Assert.Equal([1L, 64, 35, 33], f["conv1_2"].shape);
        Assert.Equal([1L, 256, 8, 8], f["conv3_4"].shape);
        Assert.Equal([1L, 512, 2, 2], f["conv5_4"].shape);
        // Before the ReLU: negative values occur.
        Assert.True(f["conv1_2"].min().item<float>() < 0);
        Assert.Throws<ArgumentException>(() => vgg.Extract(x, ["conv6_1"]));
    }

    [Fact]
    public void Load_AcceptsATorchvisionFile_AndIgnoresTheClassifier()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "vgg19.safetensors");
        using var source = new Vgg19Features();
        WriteTorchvisionLike(source, path, drop: null);

        using var loaded = new Vgg19Features();
        loaded.Load(path);
        foreach (var (name, tensor) in source.state_dict())
            Assert.True(tensor.allclose(loaded.state_dict()[name], 0, 0), name);
    }

    [Fact]
    public void Load_RefusesAFileWithoutAFeatureTensor()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "vgg19.safetensors");
        using var source = new Vgg19Features();
        WriteTorchvisionLike(source, path, drop: "features.16.weight");
        using var target = new Vgg19Features();
        var ex = Assert.Throws<RgsudWeightsException>(() => target.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Equal(["features.16.weight"], ex.Missing);
    }

    [Fact]
    public void PerceptualLoss_IsZeroForIdenticalImages_AndTrainsOnlyThePrediction()
    {
        using var loss = new PerceptualLoss(new Vgg19Features());
        using var scope = NewDisposeScope();
        var target = rand(2, 3, 32, 32);
        Assert.Equal(0f, loss.Forward(target, target).item<float>());

        var prediction = (target + 0.1f * randn(2, 3, 32, 32)).requires_grad_();
        var value = loss.Forward(prediction, target);
        Assert.True(value.item<float>() > 0);
        value.backward();
        Assert.True(prediction.grad is { } g && g.abs().sum().item<float>() > 0);
        Assert.Throws<ArgumentException>(() => new PerceptualLoss(new Vgg19Features(), layerWeights: new Dictionary<string, double> { ["relu1_1"] = 1 }));
    }

    [Fact]
    public void Csud_WithVgg19Weights_AddsThePerceptualTerm()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "vgg19.safetensors");
        using (var source = new Vgg19Features()) WriteTorchvisionLike(source, path, drop: null);

        var options = CsudOptions.Small with
        {
            Generator = new() { BaseChannels = 8, ResidualBlocks = 1 },
            Critic = Rgsud.Networks.Critics.PatchGanOptions.Small with { BaseChannels = 8 },
            Vgg19WeightsPath = path,
        };
        using var method = new CsudMethod(options, new NafNet(NafNetOptions.Small));
        var result = method.Step(MethodTestData.Batch(3), null, 0);
        Assert.True(result.Losses["derainer_perceptual"] > 0, $"derainer_perceptual = {result.Losses["derainer_perceptual"]}");
        Assert.True(double.IsFinite(result.Losses["derainer"]));

        using var without = new CsudMethod(options with { Vgg19WeightsPath = null }, new NafNet(NafNetOptions.Small));
        Assert.False(without.Step(MethodTestData.Batch(3), null, 0).Losses.ContainsKey("derainer_perceptual"));
    }

    private static void WriteTorchvisionLike(Vgg19Features source, string path, string? drop)
    {
        using var scope = NewDisposeScope();
        var tensors = source.state_dict().Where(kv => kv.Key != drop).ToList();
        tensors.Add(new("classifier.6.bias", zeros(1000)));
        SafeTensors.Write(path, tensors);
    }
}
