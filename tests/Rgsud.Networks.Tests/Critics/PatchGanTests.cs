using Rgsud.Networks.Critics;
using Rgsud.Networks.Tests.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Critics;

public sealed class PatchGanTests
{
    [Fact]
    public void ParameterCount_Reference_IsDerivedByHand()
    {
        // ndf = 64, 3 layers, kernel 4×4, all convolutions with bias (instance norm has no parameters):
        //   model.0  in → 64          in·64·16 + 64
        //   model.2  64 → 128         131 072 + 128    =   131 200
        //   model.5  128 → 256        524 288 + 256    =   524 544
        //   model.8  256 → 512        2 097 152 + 512  = 2 097 664
        //   model.11 512 → 1          8 192 + 1        =     8 193
        // 6-channel high-pass input: 6 208 + 2 761 601 = 2 767 809; 3-channel (pix2pix's 2.765 M): 3 136 + 2 761 601 = 2 764 737.
        using var highPass = new PatchGan();
        Assert.Equal(6, highPass.InputChannels);
        Assert.Equal(2_767_809L, NetworkAssertions.ParameterCount(highPass));
        using var plain = new PatchGan(new PatchGanOptions { HighPassInput = false });
        Assert.Equal(2_764_737L, NetworkAssertions.ParameterCount(plain));
    }

    [Fact]
    public void StateDictNames_FollowPix2Pix()
    {
        using var net = new PatchGan(PatchGanOptions.Small);
        var state = net.state_dict();
        string[] expected = ["model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias", "model.5.weight", "model.5.bias",
            "model.8.weight", "model.8.bias", "model.11.weight", "model.11.bias"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new long[] { 16, 6, 4, 4 }, state["model.0.weight"].shape);
        Assert.Equal(new long[] { 1, 128, 4, 4 }, state["model.11.weight"].shape);
    }

    [Fact]
    public void Forward_32x32_GivesA2x2Map()
    {
        using var scope = NewDisposeScope();
        var net = new PatchGan(PatchGanOptions.Small);
        Assert.Equal(new long[] { 2, 1, 2, 2 }, net.call(rand(2, 3, 32, 32)).shape);
        Assert.Equal(new long[] { 1, 1, 2, 3 }, net.call(rand(1, 3, 37, 45)).shape); // ⌊37/8⌋ − 2, ⌊45/8⌋ − 2
        var ex = Assert.Throws<ArgumentException>(() => net.call(rand(1, 3, 23, 40)));
        Assert.Contains("needs images of at least 24×24, got 23×40", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HighPassInput_OfAConstantImage_IsTheImageAndZero()
    {
        using var scope = NewDisposeScope();
        var image = full(1, 3, 20, 21, 0.3f);
        image[0, 1] = full(20, 21, 0.7f);
        var x = PatchGan.HighPassInput(image);
        Assert.Equal(new long[] { 1, 6, 20, 21 }, x.shape);
        Assert.True(x.narrow(1, 0, 3).equal(image).all().item<bool>());
        Assert.True(x.narrow(1, 3, 3).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void HighPassInput_MatchesA2dGaussianWithReflectionPadding()
    {
        using var scope = NewDisposeScope();
        var image = rand(2, 3, 17, 19);
        var g = tensor(PatchGan.GaussianKernel1d(15, 9));
        Assert.Equal(1.0, g.sum().item<double>(), 12);
        Assert.Equal(Math.Exp(-49.0 / 162) / Math.Exp(0), g[0].item<double>() / g[7].item<double>(), 12);
        var kernel2d = g.outer(g).to(ScalarType.Float32).expand(3, 1, 15, 15);
        var padded = nn.functional.pad(image, [7, 7, 7, 7], PaddingModes.Reflect);
        var blurred = nn.functional.conv2d(padded.to(ScalarType.Float64), kernel2d.to(ScalarType.Float64), groups: 3);
        var actual = PatchGan.HighPassInput(image).narrow(1, 3, 3);
        Assert.True(actual.to(ScalarType.Float64).allclose(image.to(ScalarType.Float64) - blurred, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void EveryParameter_GetsAFiniteNonZeroGradient_AndMatchesFloat64()
    {
        using (var scope = NewDisposeScope())
        {
            var net = new PatchGan(PatchGanOptions.Small);
            net.call(rand(2, 3, 32, 32)).square().mean().backward();
            // Biases followed by an instance norm have a zero gradient in exact arithmetic.
            NetworkAssertions.AllGradientsFinite(net, mayBeZero: name => name is "model.2.bias" or "model.5.bias" or "model.8.bias");
        }
        NetworkAssertions.GradientsMatchFloat64(() => new PatchGan(new PatchGanOptions { BaseChannels = 8 }), [2, 3, 32, 29],
            mayBeZero: name => name is "model.2.bias" or "model.5.bias" or "model.8.bias");
    }

    [Fact]
    public void Options_Validate()
    {
        Assert.Equal("PatchGanOptions.BlurKernelSize must be a positive odd number, got 14",
            Assert.Throws<RgsudException>(() => new PatchGan(new PatchGanOptions { BlurKernelSize = 14 })).Message);
        Assert.Equal("PatchGanOptions.Layers must be at least 1, got 0",
            Assert.Throws<RgsudException>(() => new PatchGanOptions { Layers = 0 }.Validate()).Message);
    }
}
