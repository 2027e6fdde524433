using Rgsud.Networks.Derainers;
using Rgsud.Networks.Tests.Methods;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests;

public sealed class NafNetTests
{
    // One NAFBlock with c channels (DW and FFN expansion 2):
    //   norm1, norm2 (weight + bias)    4c
    //   conv1 1×1 c → 2c                2c² + 2c
    //   conv2 3×3 depthwise 2c          2c·9 + 2c = 20c
    //   conv3 1×1 c → c                 c² + c
    //   sca.1 1×1 c → c                 c² + c
    //   conv4 1×1 c → 2c                2c² + 2c
    //   conv5 1×1 c → c                 c² + c
    //   beta, gamma                     2c
    //   total                           7c² + 33c
    private static long Block(long c) => 7 * c * c + 33 * c;

    // Whole network, width w, levels with channels c = w·2^i:
    //   intro 3 → w (3×3) 27w + w; ending w → 3 (3×3) 27w + 3
    //   downs.i  Conv(c, 2c, 2, 2): 8c² + 2c;  ups.i  Conv(2c, 4c, 1, bias=False) at c_up = 2c: 2·c_up²
    private static long Expected(int width, int[] enc, int middle, int[] dec)
    {
        long total = 28L * width + 27L * width + 3;
        long c = width;
        foreach (var n in enc)
        {
            total += n * Block(c) + 8 * c * c + 2 * c;
            c *= 2;
        }
        total += middle * Block(c);
        foreach (var n in dec)
        {
            total += 2 * c * c;
            c /= 2;
            total += n * Block(c);
        }
        return total;
    }

    [Fact]
    public void ParameterCount_Reference_IsDerivedByHand()
    {
        // Block(32) = 8 224, Block(64) = 30 784, Block(128) = 118 912, Block(256) = 467 200, Block(512) = 1 851 904.
        //   intro + ending                         896 + 867                                   =      1 763
        //   encoders [2, 2, 4, 8]                  2·8 224 + 2·30 784 + 4·118 912 + 8·467 200  =  4 291 264
        //   downs (c = 32, 64, 128, 256)           8 256 + 32 896 + 131 328 + 524 800          =    697 280
        //   middle_blks 12 × Block(512)                                                        = 22 222 848
        //   ups (2·512², 2·256², 2·128², 2·64²)    524 288 + 131 072 + 32 768 + 8 192          =    696 320
        //   decoders [2, 2, 2, 2] at 256 … 32      2·(467 200 + 118 912 + 30 784 + 8 224)      =  1 250 240
        //   total                                                                              = 29 159 715
        // (The often-quoted 17.11 M is NAFNet-width32 for GoPro — enc [1, 1, 1, 28], middle 1, dec [1, 1, 1, 1] —
        // checked below; the CSUD/RGSUD configuration [2, 2, 4, 8] / 12 / [2, 2, 2, 2] is NAFNet-SIDD-width32.)
        Assert.Equal(8_224, Block(32));
        Assert.Equal(1_851_904, Block(512));
        const long expected = 1_763 + 4_291_264 + 697_280 + 22_222_848 + 696_320 + 1_250_240;
        Assert.Equal(29_159_715L, expected);
        Assert.Equal(expected, Expected(32, [2, 2, 4, 8], 12, [2, 2, 2, 2]));
        using var net = new NafNet();
        Assert.Equal(expected, NetworkAssertions.ParameterCount(net));
    }

    [Fact]
    public void ParameterCount_GoProWidth32_Is17_11M()
    {
        //   encoders Block(32) + Block(64) + Block(128) + 28·Block(256) = 13 239 520; middle Block(512) = 1 851 904;
        //   decoders 625 120; downs 697 280; ups 696 320; intro + ending 1 763  → 17 111 907
        var options = new NafNetOptions { Width = 32, EncoderBlocks = [1, 1, 1, 28], MiddleBlocks = 1, DecoderBlocks = [1, 1, 1, 1] };
        Assert.Equal(17_111_907L, Expected(32, [1, 1, 1, 28], 1, [1, 1, 1, 1]));
        using var net = new NafNet(options);
        Assert.Equal(17_111_907L, NetworkAssertions.ParameterCount(net));
    }

    [Fact]
    public void ParameterCount_Small()
    {
        // Width 16, one block everywhere: encoders 160 240, middle 467 200, decoders 160 240, downs 174 560,
        // ups 174 080, intro 448, ending 435 → 1 137 203.
        Assert.Equal(1_137_203L, Expected(16, [1, 1, 1, 1], 1, [1, 1, 1, 1]));
        using var net = new NafNet(NafNetOptions.Small);
        Assert.Equal(1_137_203L, NetworkAssertions.ParameterCount(net));
    }

    [Fact]
    public void NafBlock_HasSevenCSquaredPlus33CParameters()
    {
        using var block = new NafBlock(24);
        Assert.Equal(7 * 24 * 24 + 33 * 24, NetworkAssertions.ParameterCount(block));
    }

    [Fact]
    public void StateDictNames_FollowTheOriginal()
    {
        using var net = new NafNet(NafNetOptions.Small);
        var state = net.state_dict();
        string[] expected =
        [
            "intro.weight", "intro.bias", "ending.weight", "ending.bias",
            "encoders.0.0.conv1.weight", "encoders.0.0.conv2.weight", "encoders.0.0.conv3.bias",
            "encoders.0.0.sca.1.weight", "encoders.0.0.sca.1.bias", "encoders.0.0.conv4.weight", "encoders.0.0.conv5.bias",
            "encoders.0.0.norm1.weight", "encoders.0.0.norm1.bias", "encoders.0.0.norm2.weight",
            "encoders.0.0.beta", "encoders.0.0.gamma", "encoders.3.0.beta",
            "downs.0.weight", "downs.0.bias", "downs.3.weight",
            "middle_blks.0.conv1.weight", "middle_blks.0.gamma",
            "ups.0.0.weight", "ups.3.0.weight",
            "decoders.0.0.conv2.weight", "decoders.3.0.norm2.bias",
        ];
        foreach (var name in expected) Assert.True(state.ContainsKey(name), $"missing {name}");
        Assert.DoesNotContain("ups.0.0.bias", state.Keys);
        Assert.Equal(new long[] { 1, 16, 1, 1 }, state["encoders.0.0.beta"].shape);
        Assert.Equal(new long[] { 32, 1, 3, 3 }, state["encoders.0.0.conv2.weight"].shape);
        Assert.Equal(new long[] { 32, 16, 2, 2 }, state["downs.0.weight"].shape);
        Assert.Equal(new long[] { 512, 256, 1, 1 }, state["ups.0.0.weight"].shape);
        Assert.Equal(new long[] { 16 }, state["encoders.0.0.norm1.weight"].shape);
    }

    [Fact]
    public void Forward_OddSize_KeepsShapeLayoutAndLeaksNothing()
    {
        using var net = new NafNet(NafNetOptions.Small);
        net.eval();
        using var input = rand(2, 3, 37, 53);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var output = net.call(input);
        Assert.Equal(1, scope.DisposablesCount);
        Assert.Equal(input.shape, output.shape);
        Assert.True(output.isfinite().all().item<bool>());
        Assert.True(TensorLayout.IsChannelsLast(output));
    }

    [Fact]
    public void Forward_FreshNetworkWithZeroEnding_IsTheIdentity()
    {
        // β = γ = 0 makes every block the identity; with ending zeroed the output is the input.
        using var net = new NafNet(NafNetOptions.Small);
        using (no_grad())
        {
            net.state_dict()["ending.weight"].zero_();
            net.state_dict()["ending.bias"].zero_();
        }
        using var input = rand(1, 3, 19, 22);
        using var output = net.call(input);
        Assert.True(output.allclose(input));
    }

    [Fact]
    public void EveryParameter_GetsAFiniteNonZeroGradient()
    {
        using var scope = NewDisposeScope();
        var net = new NafNet(NafNetOptions.Small);
        NetworkAssertions.Randomize(net, "beta");
        NetworkAssertions.Randomize(net, "gamma");
        net.call(rand(2, 3, 21, 18)).square().mean().backward();
        NetworkAssertions.AllGradientsFinite(net);
    }

    [Fact]
    public void Gradients_MatchAFloat64Reference()
    {
        NetworkAssertions.GradientsMatchFloat64(() =>
        {
            var net = new NafNet(NafNetOptions.Small with { Width = 8 });
            NetworkAssertions.Randomize(net, "beta");
            NetworkAssertions.Randomize(net, "gamma");
            return net;
        }, [2, 3, 17, 19]);
    }

    [Fact]
    public void LayerNorm2d_NormalisesOverChannels()
    {
        using var scope = NewDisposeScope();
        using var norm = new LayerNorm2d(5);
        var x = randn(2, 5, 3, 4) * 3 + 1;
        var y = norm.call(x);
        Assert.True(y.mean([1L]).abs().max().item<float>() < 1e-5);
        Assert.True((y.square().mean([1L]) - 1).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void SimpleGate_MultipliesTheHalves()
    {
        using var scope = NewDisposeScope();
        using var gate = new SimpleGate();
        var x = randn(1, 4, 2, 2);
        Assert.True(gate.call(x).allclose(x.narrow(1, 0, 2) * x.narrow(1, 2, 2)));
        Assert.Throws<ArgumentException>(() => gate.call(randn(1, 3, 2, 2)));
    }

    [Fact]
    public void Options_Validate()
    {
        Assert.Equal("NafNetOptions.DecoderBlocks must have as many levels as EncoderBlocks (4), got 3",
            Assert.Throws<RgsudException>(() => new NafNet(new NafNetOptions { DecoderBlocks = [1, 1, 1] })).Message);
        Assert.Equal("NafNetOptions.Width must be at least 1, got 0",
            Assert.Throws<RgsudException>(() => new NafNetOptions { Width = 0 }.Validate()).Message);
        Assert.Equal("NafNetOptions.EncoderBlocks[1] must not be negative, got -1",
            Assert.Throws<RgsudException>(() => new NafNetOptions { EncoderBlocks = [1, -1, 1, 1] }.Validate()).Message);
        Assert.Equal(32, NafNetOptions.Reference.Width);
        Assert.Equal([2, 2, 4, 8], NafNetOptions.Reference.EncoderBlocks);
        Assert.Equal(12, NafNetOptions.Reference.MiddleBlocks);
        Assert.Equal(16, NafNetOptions.Small.Width);
    }

    [Fact]
    public void Forward_AcceptsNchwInput()
    {
        using var scope = NewDisposeScope();
        var net = new NafNet(NafNetOptions.Small);
        var x = rand(1, 3, 16, 16);
        Assert.False(TensorLayout.IsChannelsLast(x));
        var y = net.call(x);
        Assert.True(y.allclose(net.call(TensorLayout.ToChannelsLast(x)), rtol: 1e-5, atol: 1e-6));
    }
}
