using Rgsud.Networks.Derainers;
using Rgsud.Networks.Tests.Methods;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests;

public sealed class RestormerLiteTests
{
    // One TransformerBlock with d channels, h heads, hidden m = int(d · 2.66), no convolution bias:
    //   norm1, norm2 (WithBias: weight + bias)      4d
    //   attn: temperature h; qkv 1×1 d → 3d 3d²; qkv_dwconv 3×3 depthwise 3d 27d; project_out d²
    //   ffn: project_in d → 2m 2dm; dwconv 3×3 depthwise 2m 18m; project_out m → d dm
    //   total                                        4d² + 3dm + 31d + 18m + h
    private static long Block(long d, long heads, double factor = 2.66)
    {
        var m = (long)(d * factor);
        return 4 * d * d + 3 * d * m + 31 * d + 18 * m + heads;
    }

    [Fact]
    public void ParameterCount_Reference_IsDerivedByHand()
    {
        // Block(48, 1) = 31 279 (m = 127), Block(96, 2) = 117 872 (m = 255), Block(192, 4) = 456 352 (m = 510),
        // Block(384, 8) = 1 796 306 (m = 1 021), Block(96, 1) = 117 871.
        //   encoder_level1..3, latent   4·31 279 + 6·117 872 + 6·456 352 + 8·1 796 306         = 17 940 908
        //   decoder_level3, 2, 1        6·456 352 + 6·117 872 + 4·117 871                      =  3 916 828
        //   refinement                  4·117 871                                              =    471 484
        //   patch_embed 3·48·9; downs 48·24·9 + 96·48·9 + 192·96·9; ups 384·768·9 + 192·384·9 + 96·192·9;
        //   reduce_chan 384·192 + 192·96; output 96·3·9
        //                               1 296 + 217 728 + 3 483 648 + 92 160 + 2 592           =  3 797 424
        //   total                                                                              = 26 126 644
        // (Restormer's published size: 26.13 M.)
        Assert.Equal(31_279, Block(48, 1));
        Assert.Equal(117_872, Block(96, 2));
        Assert.Equal(456_352, Block(192, 4));
        Assert.Equal(1_796_306, Block(384, 8));
        const long expected = 17_940_908 + 3_916_828 + 471_484 + 3_797_424;
        Assert.Equal(26_126_644L, expected);
        using var net = new RestormerLite();
        Assert.Equal(expected, NetworkAssertions.ParameterCount(net));
    }

    [Fact]
    public void ParameterCount_Small()
    {
        // dim 16, one block per level, one refinement block, heads [1, 2, 4, 8]:
        //   blocks Block(16,1) + Block(32,2) + Block(64,4) + Block(128,8) + Block(64,4) + Block(32,2) + 2·Block(32,1)
        //   others 3·16·9 + (16·8 + 32·16 + 64·32)·9 + (128·256 + 64·128 + 32·64)·9 + 128·64 + 64·32 + 32·3·9
        long blocks = Block(16, 1) + Block(32, 2) + Block(64, 4) + Block(128, 8) + Block(64, 4) + Block(32, 2) + 2 * Block(32, 1);
        long others = 3 * 16 * 9 + (16 * 8 + 32 * 16 + 64 * 32) * 9 + (128 * 256 + 64 * 128 + 32 * 64) * 9 + 128 * 64 + 64 * 32 + 32 * 3 * 9;
        using var net = new RestormerLite(RestormerLiteOptions.Small);
        Assert.Equal(blocks + others, NetworkAssertions.ParameterCount(net));
    }

    [Fact]
    public void StateDictNames_FollowTheOriginal()
    {
        using var net = new RestormerLite(RestormerLiteOptions.Small);
        var state = net.state_dict();
        string[] expected =
        [
            "patch_embed.proj.weight",
            "encoder_level1.0.norm1.body.weight", "encoder_level1.0.norm1.body.bias",
            "encoder_level1.0.attn.temperature", "encoder_level1.0.attn.qkv.weight",
            "encoder_level1.0.attn.qkv_dwconv.weight", "encoder_level1.0.attn.project_out.weight",
            "encoder_level1.0.norm2.body.weight", "encoder_level1.0.ffn.project_in.weight",
            "encoder_level1.0.ffn.dwconv.weight", "encoder_level1.0.ffn.project_out.weight",
            "down1_2.body.0.weight", "encoder_level2.0.attn.temperature", "down2_3.body.0.weight",
            "encoder_level3.0.ffn.dwconv.weight", "down3_4.body.0.weight", "latent.0.attn.qkv.weight",
            "up4_3.body.0.weight", "reduce_chan_level3.weight", "decoder_level3.0.norm1.body.bias",
            "up3_2.body.0.weight", "reduce_chan_level2.weight", "decoder_level2.0.ffn.project_in.weight",
            "up2_1.body.0.weight", "decoder_level1.0.attn.qkv.weight", "refinement.0.ffn.project_out.weight",
            "output.weight",
        ];
        foreach (var name in expected) Assert.True(state.ContainsKey(name), $"missing {name}");
        Assert.DoesNotContain("output.bias", state.Keys);
        Assert.DoesNotContain("reduce_chan_level1.weight", state.Keys);
        Assert.Equal(new long[] { 8, 1, 1 }, state["latent.0.attn.temperature"].shape);
        Assert.Equal(new long[] { 8, 16, 3, 3 }, state["down1_2.body.0.weight"].shape);
        Assert.Equal(new long[] { 64, 32, 3, 3 }, state["up2_1.body.0.weight"].shape);
        // hidden = int(32 · 2.66) = 85: project_in 32 → 170
        Assert.Equal(new long[] { 170, 32, 1, 1 }, state["decoder_level1.0.ffn.project_in.weight"].shape);
        Assert.Equal(new long[] { 3, 32, 3, 3 }, state["output.weight"].shape);
    }

    [Fact]
    public void Forward_OddSize_KeepsShapeLayoutAndLeaksNothing()
    {
        using var net = new RestormerLite(RestormerLiteOptions.Small);
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
    public void Forward_TinyImage_UsesReplicatePadding()
    {
        using var scope = NewDisposeScope();
        var net = new RestormerLite(RestormerLiteOptions.Small);
        var output = net.call(rand(1, 3, 5, 3));
        Assert.Equal(new long[] { 1, 3, 5, 3 }, output.shape);
    }

    [Fact]
    public void Attention_MatchesTheChannelMajorFormulation()
    {
        // The original computes attention on [b, head, c, hw] matrices; the port uses the transposed (pixel-major)
        // products. Recompute the original's way from the module's own weights and compare.
        using var scope = NewDisposeScope();
        var attn = new RestormerAttention(8, 2, bias: false);
        using (no_grad()) attn.named_parameters().First(p => p.name == "temperature").parameter.copy_(tensor(new float[] { 0.7f, 1.3f }).reshape(2, 1, 1));
        var x = TensorLayout.ToChannelsLast(randn(2, 8, 5, 6));
        var actual = attn.call(x);

        var modules = attn.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var qkv = modules["qkv_dwconv"].call(modules["qkv"].call(x));
        var parts = qkv.chunk(3, 1);
        Tensor Heads(Tensor t) => t.contiguous().reshape(2, 2, 4, 30);
        var q = nn.functional.normalize(Heads(parts[0]), dim: -1);
        var k = nn.functional.normalize(Heads(parts[1]), dim: -1);
        var v = Heads(parts[2]);
        var weights = (q.matmul(k.transpose(-2, -1)) * tensor(new float[] { 0.7f, 1.3f }).reshape(2, 1, 1)).softmax(-1);
        var output = weights.matmul(v).reshape(2, 8, 5, 6);
        var expected = modules["project_out"].call(output);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void EveryParameter_GetsAFiniteNonZeroGradient()
    {
        using var scope = NewDisposeScope();
        var net = new RestormerLite(RestormerLiteOptions.Small);
        net.call(rand(2, 3, 19, 22)).square().mean().backward();
        NetworkAssertions.AllGradientsFinite(net);
    }

    [Fact]
    public void Gradients_MatchAFloat64Reference()
    {
        NetworkAssertions.GradientsMatchFloat64(
            () => new RestormerLite(RestormerLiteOptions.Small with { Dim = 8, Heads = [1, 1, 2, 2] }), [2, 3, 16, 13],
            tolerance: 1e-3); // the attention temperatures' gradients are long float32 sums (~1e-4 rounding); the oneDNN fault gives > 0.2
    }

    [Fact]
    public void Options_Validate()
    {
        Assert.Equal("RestormerLiteOptions.Heads[2] must be a positive divisor of the level's 64 channels, got 3",
            Assert.Throws<RgsudException>(() => new RestormerLite(RestormerLiteOptions.Small with { Heads = [1, 2, 3, 8] })).Message);
        Assert.Equal("RestormerLiteOptions.NumBlocks must have 4 entries, got 3",
            Assert.Throws<RgsudException>(() => new RestormerLiteOptions { NumBlocks = [1, 1, 1] }.Validate()).Message);
        Assert.Equal("RestormerLiteOptions.Dim must be a positive even number, got 15",
            Assert.Throws<RgsudException>(() => new RestormerLiteOptions { Dim = 15 }.Validate()).Message);
        Assert.Equal(48, RestormerLiteOptions.Reference.Dim);
        Assert.Equal(2.66, RestormerLiteOptions.Reference.FfnExpansionFactor);
    }
}
