using Rgsud.Networks.Derainers;
using Rgsud.Runtime;
using Rgsud.Testing;
using Rgsud.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests;

public sealed class PReNetTests
{
    [Fact]
    public void ParameterCount_MatchesTheArchitecture()
    {
        using var net = new PReNet();
        // Every convolution is 3×3 with bias: in·out·9 + out.
        //   conv0        6 → 32:          6·32·9 + 32 =  1 760
        //   res_conv1..5 2 convs 32 → 32: 10 · (32·32·9 + 32) = 10 · 9 248 = 92 480
        //   conv_i/f/g/o 64 → 32:         4 · (64·32·9 + 32) =  4 · 18 464 = 73 856
        //   conv         32 → 3:          32·3·9 + 3 = 867
        //   total                          1 760 + 92 480 + 73 856 + 867 = 168 963
        const long expected = 1_760 + 92_480 + 73_856 + 867;
        Assert.Equal(168_963L, expected);
        Assert.Equal(expected, net.parameters().Sum(p => p.numel()));
        Assert.Equal(32, net.parameters().Count());
    }

    [Fact]
    public void StateDictNames_FollowThePyTorchModule()
    {
        using var net = new PReNet();
        var names = net.state_dict().Keys.ToList();
        Assert.Equal(32, names.Count);
        Assert.Equal("conv0.0.weight", names[0]);
        Assert.Contains("res_conv3.2.bias", names);
        Assert.Contains("conv_g.0.weight", names);
        Assert.Equal("conv.0.bias", names[^1]);
        Assert.Equal(new long[] { 3, 32, 3, 3 }, net.state_dict()["conv.0.weight"].shape);
    }

    [SharedDataFact]
    public void StateDictNamesAndShapes_EqualTheSharedWeightsFile()
    {
        var file = SharedData.Path("weights", "prenet6-rain100l.safetensors");
        var header = SafeTensors.ReadHeader(file);
        using var net = new PReNet();
        var state = net.state_dict();
        Assert.Equal(header.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        foreach (var t in header.Tensors) Assert.Equal(t.Shape, state[t.Name].shape);

        var result = ModuleWeights.Load(net, file);
        Assert.Equal(32, result.Loaded.Count);
    }

    [Fact]
    public void Forward_OddSize_KeepsShapeLayoutAndLeaksNothing()
    {
        using var net = new PReNet();
        net.eval();
        using var input = rand(2, 3, 37, 53);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var output = net.call(input);
        Assert.Equal(1, scope.DisposablesCount); // only the output: every intermediate was disposed
        Assert.Equal(input.shape, output.shape);
        Assert.Equal(ScalarType.Float32, output.dtype);
        Assert.True(output.isfinite().all().item<bool>());
        Assert.Equal(RgsudRuntime.Layout == MemoryLayout.ChannelsLast, TensorLayout.IsChannelsLast(output));
    }

    [Fact]
    public void Forward_WithZeroOutputConv_ReturnsTheInput()
    {
        // x = conv(x) + input: with conv zeroed every stage, and so the network, returns its input.
        using var net = new PReNet(new PReNetOptions { Iterations = 2 });
        using (no_grad())
        {
            net.state_dict()["conv.0.weight"].zero_();
            net.state_dict()["conv.0.bias"].zero_();
        }
        using var input = rand(1, 3, 8, 9);
        using var output = net.call(input);
        Assert.True(output.allclose(input));
    }

    [Fact]
    public void Forward_RejectsWrongShape()
    {
        using var net = new PReNet(new PReNetOptions { Iterations = 1 });
        using var gray = rand(1, 1, 8, 8);
        var ex = Assert.Throws<ArgumentException>(() => net.call(gray));
        Assert.Contains("PReNet expects a [N, 3, H, W] tensor, got [1, 1, 8, 8]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryParameter_GetsAFiniteNonZeroGradient()
    {
        using var scope = NewDisposeScope();
        var net = new PReNet();
        var input = rand(2, 3, 11, 13);
        var loss = net.call(input).square().mean();
        loss.backward();
        foreach (var (name, p) in net.named_parameters())
        {
            var grad = p.grad;
            Assert.True(grad is not null, $"{name} has no gradient");
            Assert.True(grad.isfinite().all().item<bool>(), $"{name} has a non-finite gradient");
            Assert.True(grad.abs().max().item<float>() > 0, $"{name} has an all-zero gradient");
        }
    }

    [Fact]
    public void Gradients_MatchAFloat64Reference()
    {
        // Guards against the libtorch 2.10 / oneDNN fault in NCHW convolution input gradients on some CPUs:
        // the float32 network (channels-last) must agree with a float64 copy (float64 never uses oneDNN).
        using var scope = NewDisposeScope();
        var net32 = new PReNet(new PReNetOptions { Iterations = 3 });
        var net64 = new PReNet(new PReNetOptions { Iterations = 3 });
        net64.to(ScalarType.Float64);
        using (no_grad())
        {
            foreach (var (name, p) in net64.state_dict()) p.copy_(net32.state_dict()[name]);
        }
        var x32 = rand(2, 3, 16, 19).requires_grad_();
        var x64 = x32.detach().to(ScalarType.Float64).requires_grad_();
        var w = randn(2, 3, 16, 19);
        (net32.call(x32) * w).sum().backward();
        (net64.call(x64) * w.to(ScalarType.Float64)).sum().backward();

        AssertClose("input", x32.grad!, x64.grad!);
        var params64 = net64.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in net32.named_parameters()) AssertClose(name, p.grad!, params64[name].grad!);

        static void AssertClose(string name, Tensor actual, Tensor reference)
        {
            var err = (actual.to(ScalarType.Float64) - reference).abs().max().item<double>();
            var scale = reference.abs().max().item<double>();
            Assert.True(err / scale < 1e-4, $"{name}: relative gradient error {err / scale:E2}");
        }
    }

    [Fact]
    public void Options_Validate()
    {
        var ex = Assert.Throws<RgsudException>(() => new PReNet(new PReNetOptions { Iterations = 0 }));
        Assert.Equal("PReNetOptions.Iterations must be at least 1, got 0", ex.Message);
        Assert.Equal(6, new PReNetOptions().Iterations);
    }
}
