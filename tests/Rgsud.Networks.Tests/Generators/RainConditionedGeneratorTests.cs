using Rgsud.Abstractions;
using Rgsud.Networks.Generators;
using Rgsud.Networks.Tests.Methods;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Generators;

public sealed class RainConditionedGeneratorTests
{
    [Fact]
    public void ParameterCount_Reference_IsDerivedByHand()
    {
        // C = 64, 6 residual blocks (convolutions with bias; spectral norm's u and v are buffers):
        //   head     Conv 7×7 3 → C                     3·C·49 + C      =     9 472
        //   rain_down SN Conv 3×3 C → 2C, 2C → 4C       18C² + 2C + 72C² + 4C = 73 856 + 295 168 = 369 024
        //   rain_up  ConvT 3×3 4C → 2C, 2C → C          72C² + 2C + 18C² + C  = 295 040 + 73 792 = 368 832
        //   body     6 × 2 × (Conv 3×3 2C → 2C)         6 · 2 · (36C² + 2C)   = 6 · 295 168      = 1 771 008
        //   tail     Conv 3×3 2C → C, Conv 7×7 C → 3    18C² + C + 147C + 3   = 73 792 + 9 411   =    83 203
        //   total                                                                                = 2 601 539
        // (In general 198C² + 72nC² + 305C + 4nC + 3 for n blocks.)
        const long expected = 9_472 + 369_024 + 368_832 + 1_771_008 + 83_203;
        Assert.Equal(2_601_539L, expected);
        using var net = new RainConditionedGenerator();
        Assert.Equal(expected, NetworkAssertions.ParameterCount(net));
        long c = 32, n = 2;
        using var small = new RainConditionedGenerator(RainConditionedGeneratorOptions.Small);
        Assert.Equal(198 * c * c + 72 * n * c * c + 305 * c + 4 * n * c + 3, NetworkAssertions.ParameterCount(small));
    }

    [Fact]
    public void StateDict_HasSpectralNormNamesAndBuffers()
    {
        using var net = new RainConditionedGenerator(RainConditionedGeneratorOptions.Small);
        var state = net.state_dict();
        foreach (var name in new[]
                 {
                     "head.1.weight", "head.1.bias", "rain_down.0.weight_orig", "rain_down.0.bias", "rain_down.0.weight_u",
                     "rain_down.0.weight_v", "rain_down.2.weight_orig", "rain_up.0.weight", "rain_up.2.bias",
                     "body.0.conv_block.1.weight", "body.1.conv_block.5.bias", "tail.1.weight", "tail.4.weight", "tail.4.bias",
                 })
        {
            Assert.True(state.ContainsKey(name), $"missing {name}");
        }
        Assert.Equal(new long[] { 64 }, state["rain_down.0.weight_u"].shape);
        Assert.Equal(new long[] { 32 * 9 }, state["rain_down.0.weight_v"].shape);
        Assert.Equal(new long[] { 128, 64, 3, 3 }, state["rain_up.0.weight"].shape); // ConvTranspose: [in, out, k, k]
        Assert.DoesNotContain(net.named_parameters(), p => p.name.EndsWith("weight_u", StringComparison.Ordinal));
    }

    [Fact]
    public void Forward_OddSize_KeepsShapeAndLeaksNothing()
    {
        using var net = new RainConditionedGenerator(RainConditionedGeneratorOptions.Small);
        using var clean = rand(2, 3, 37, 53);
        using var rain = rand(2, 3, 37, 53);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var output = ((IRainRenderer)net).Render(clean, rain);
        Assert.Equal(1, scope.DisposablesCount);
        Assert.Equal(clean.shape, output.shape);
        Assert.True(output.isfinite().all().item<bool>());
        Assert.True(TensorLayout.IsChannelsLast(output));
    }

    [Fact]
    public void Forward_WithZeroTail_ReturnsTheCleanImage()
    {
        using var scope = NewDisposeScope();
        var net = new RainConditionedGenerator(RainConditionedGeneratorOptions.Small);
        using (no_grad())
        {
            net.state_dict()["tail.4.weight"].zero_();
            net.state_dict()["tail.4.bias"].zero_();
        }
        var clean = rand(1, 3, 12, 10);
        Assert.True(net.call(clean, rand(1, 3, 12, 10)).allclose(clean));
    }

    [Fact]
    public void Forward_RejectsMismatchedShapes()
    {
        using var scope = NewDisposeScope();
        var net = new RainConditionedGenerator(RainConditionedGeneratorOptions.Small);
        var ex = Assert.Throws<ArgumentException>(() => net.call(rand(1, 3, 8, 8), rand(1, 3, 8, 9)));
        Assert.Contains("rain reference of the clean image's shape [1, 3, 8, 8], got [1, 3, 8, 9]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryParameter_GetsAFiniteNonZeroGradient()
    {
        using var scope = NewDisposeScope();
        var net = new RainConditionedGenerator(RainConditionedGeneratorOptions.Small);
        net.call(rand(2, 3, 15, 18), rand(2, 3, 15, 18)).square().mean().backward();
        // Residual-block biases are followed by an instance norm: zero gradient in exact arithmetic.
        NetworkAssertions.AllGradientsFinite(net, mayBeZero: name => name.StartsWith("body.", StringComparison.Ordinal) && name.EndsWith(".bias", StringComparison.Ordinal));
    }

    [Fact]
    public void Gradients_MatchAFloat64Reference()
    {
        using var scope = NewDisposeScope();
        var options = new RainConditionedGeneratorOptions { BaseChannels = 8, ResidualBlocks = 1 };
        var net32 = new RainConditionedGenerator(options);
        var net64 = new RainConditionedGenerator(options);
        net64.to(ScalarType.Float64);
        NetworkAssertions.CopyState(net32, net64);
        var x32 = rand(2, 3, 14, 17).requires_grad_();
        var y32 = rand(2, 3, 14, 17).requires_grad_();
        var x64 = x32.detach().to(ScalarType.Float64).requires_grad_();
        var y64 = y32.detach().to(ScalarType.Float64).requires_grad_();
        var w = randn(2, 3, 14, 17);
        (net32.call(x32, y32) * w).sum().backward();
        (net64.call(x64, y64) * w.to(ScalarType.Float64)).sum().backward();
        NetworkAssertions.AssertClose("clean input", x32.grad!, x64.grad!, 1e-4);
        NetworkAssertions.AssertClose("rain input", y32.grad!, y64.grad!, 1e-4);
        var params64 = net64.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        NetworkAssertions.ParameterGradientsClose(net32, params64, 1e-4,
            name => name.StartsWith("body.", StringComparison.Ordinal) && name.EndsWith(".bias", StringComparison.Ordinal));
    }

    [Fact]
    public void SpectralNorm_PowerIterationConvergesToUnitSpectralNorm()
    {
        using var scope = NewDisposeScope();
        manual_seed(11); // test classes run one at a time (tests/xunit.runner.json)
        var conv = new SpectralNormConv2d(6, 5, 3, stride: 2, padding: 1);
        var state = conv.state_dict();
        var x = randn(1, 6, 8, 8);
        // Training mode: one power iteration per forward. It converges like (σ2/σ1)^(2k), slowly when the two
        // largest singular values of a random matrix are close, so give it enough iterations.
        for (var i = 0; i < 200; i++) conv.call(x);
        var matrix = state["weight_orig"].reshape(5, -1).to(ScalarType.Float64);
        var sigmaMax = linalg.svdvals(matrix)[0].item<double>();
        var u = state["weight_u"].to(ScalarType.Float64);
        var v = state["weight_v"].to(ScalarType.Float64);
        var sigma = u.dot(matrix.mv(v)).item<double>();
        Assert.Equal(sigmaMax, sigma, 4);

        // Eval mode: u and v are not updated.
        conv.eval();
        var before = state["weight_u"].clone();
        conv.call(x);
        Assert.True(before.equal(state["weight_u"]).all().item<bool>());

        // The convolution uses weight_orig / σ.
        var expected = nn.functional.conv2d(x, state["weight_orig"] / (float)sigma, state["bias"], strides: [2, 2], padding: [1, 1]);
        Assert.True(conv.call(x).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Options_Validate()
    {
        Assert.Equal("RainConditionedGeneratorOptions.BaseChannels must be at least 1, got 0",
            Assert.Throws<RgsudException>(() => new RainConditionedGenerator(new RainConditionedGeneratorOptions { BaseChannels = 0 })).Message);
        Assert.Equal("RainConditionedGeneratorOptions.ResidualBlocks must not be negative, got -1",
            Assert.Throws<RgsudException>(() => new RainConditionedGeneratorOptions { ResidualBlocks = -1 }.Validate()).Message);
    }
}
