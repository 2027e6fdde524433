using Rgsud.Rewards.DaClip;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.DaClip;

public sealed class DaClipModelTests
{
    // open_clip ViT-B/32 image tower (W = 768, P = 32, 7×7 grid + class token = 50 tokens, 12 blocks, output 512):
    //   conv1 (no bias)        768·3·32·32           =  2,359,296
    //   class_embedding        768                   =        768
    //   positional_embedding   50·768                =     38,400
    //   ln_pre, ln_post        2·(768 + 768)         =      3,072
    //   proj                   768·512               =    393,216
    //   per block: ln_1 + ln_2 4·768 = 3,072; in_proj 3·768·768 + 3·768 = 1,771,776; out_proj 768·768 + 768 = 590,592;
    //              c_fc 768·3072 + 3072 = 2,362,368; c_proj 3072·768 + 768 = 2,360,064       → 7,087,872
    //   12 blocks                                    = 85,054,464
    //   total                                        = 87,849,216 (the published OpenAI/open_clip ViT-B/32 visual count)
    // DA-CLIP controller: the same tower + 12 zero taps Linear(768, 768) with bias, 12·(768·768 + 768) = 7,087,104
    //   total                                        = 94,936,320
    private const long VisualParameters = 87_849_216;
    private const long ControllerParameters = 94_936_320;

    [Fact]
    public void ParameterCounts_VitB32_MatchTheHandDerivation()
    {
        using (var visual = new DaClipVisionTransformer())
            Assert.Equal(VisualParameters, visual.parameters().Sum(p => p.numel()));
        using (var controller = new DaClipController())
            Assert.Equal(ControllerParameters, controller.parameters().Sum(p => p.numel()));
        // The model is exactly the two towers (plus a non-parameter text buffer) — checked on the small shape.
        using var model = DaClipTestModels.Random(randomTaps: false);
        Assert.Equal(model.Visual.parameters().Sum(p => p.numel()) + model.Controller.parameters().Sum(p => p.numel()),
            model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void StateDict_HasTheCheckpointNamesAndShapes()
    {
        var c = DaClipTestModels.Tiny;
        long w = c.Width, t = c.Tokens, d = c.OutputDim, p = c.PatchSize;
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (prefix, blocks) in new[] { ("clip.visual.", "transformer.resblocks"), ("visual_control.", "transformer.transformer.resblocks") })
        {
            expected[prefix + "conv1.weight"] = [w, 3, p, p];
            expected[prefix + "class_embedding"] = [w];
            expected[prefix + "positional_embedding"] = [t, w];
            expected[prefix + "ln_pre.weight"] = [w];
            expected[prefix + "ln_pre.bias"] = [w];
            expected[prefix + "ln_post.weight"] = [w];
            expected[prefix + "ln_post.bias"] = [w];
            expected[prefix + "proj"] = [w, d];
            for (int i = 0; i < c.Layers; i++)
            {
                var b = $"{prefix}{blocks}.{i}.";
                expected[b + "ln_1.weight"] = [w];
                expected[b + "ln_1.bias"] = [w];
                expected[b + "attn.in_proj_weight"] = [3 * w, w];
                expected[b + "attn.in_proj_bias"] = [3 * w];
                expected[b + "attn.out_proj.weight"] = [w, w];
                expected[b + "attn.out_proj.bias"] = [w];
                expected[b + "ln_2.weight"] = [w];
                expected[b + "ln_2.bias"] = [w];
                expected[b + "mlp.c_fc.weight"] = [4 * w, w];
                expected[b + "mlp.c_fc.bias"] = [4 * w];
                expected[b + "mlp.c_proj.weight"] = [w, 4 * w];
                expected[b + "mlp.c_proj.bias"] = [w];
            }
        }
        for (int i = 0; i < c.Layers; i++)
        {
            expected[$"visual_control.transformer.zero_modules.{i}.weight"] = [w, w];
            expected[$"visual_control.transformer.zero_modules.{i}.bias"] = [w];
        }
        expected["text_embeddings"] = [10, d];

        using var model = DaClipTestModels.Random(randomTaps: false);
        var state = model.state_dict();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.True(shape.SequenceEqual(state[name].shape), $"{name}: [{string.Join(",", state[name].shape)}]");
        Assert.All(state.Values, v => Assert.Equal(ScalarType.Float32, v.dtype));
        // DA-CLIP zero-initialises the taps.
        Assert.All(state.Where(kv => kv.Key.Contains("zero_modules", StringComparison.Ordinal)), kv => Assert.Equal(0, kv.Value.abs().max().item<float>()));
    }

    [Fact]
    public void EncodeImage_FeedsTheControllerTapsToTheBaseTowerInReverseBlockOrder()
    {
        using var model = DaClipTestModels.Random();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = DaClipTestModels.Inputs(2);
        var (image, degradation) = model.EncodeImage(x);
        Assert.Equal([2L, 32L], image.shape);

        // Replay: the controller's taps c0..c(L-1); DA-CLIP's base tower adds control.pop() — the last one — after each block.
        var (controllerFeatures, hiddens) = model.Controller.ForwardWithHiddens(x);
        Assert.Equal(DaClipTestModels.Tiny.Layers, hiddens.Count);
        Tensor Replay(Func<int, int> tap)
        {
            var tokens = model.Visual.Embed(x);
            for (int i = 0; i < model.Visual.Transformer.Layers; i++) tokens = model.Visual.Transformer.Block(i, tokens) + hiddens[tap(i)];
            return model.Visual.Pool(tokens);
        }
        int last = hiddens.Count - 1;
        Assert.True(DaClipTestModels.Same(image, Replay(i => last - i)), "image features differ from the reverse-order replay");
        Assert.False(image.allclose(Replay(i => i), rtol: 1e-4, atol: 1e-5), "the tap order should matter");
        Assert.False(image.allclose(model.Visual.forward(x), rtol: 1e-4, atol: 1e-5), "non-zero taps should change the base tower");
        Assert.True(DaClipTestModels.Same(degradation, controllerFeatures));
        Assert.True(DaClipTestModels.Same(degradation, model.Controller.forward(x)));

        // The probabilities are the cosine readout of the degradation features only.
        var expected = nn.functional.normalize(degradation, p: 2, dim: -1).matmul(model.TextEmbeddings.t()).mul(100).softmax(-1);
        Assert.True(model.DegradationProbabilities(x).allclose(expected, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void ZeroTaps_LeaveTheBaseTowerUnchanged()
    {
        using var model = DaClipTestModels.Random(randomTaps: false);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = DaClipTestModels.Inputs(1);
        var (image, _) = model.EncodeImage(x);
        Assert.True(DaClipTestModels.Same(image, model.Visual.forward(x)));
    }

    [Fact]
    public void Towers_RejectInputsThatAreNotPreprocessed()
    {
        using var model = DaClipTestModels.Random(randomTaps: false);
        using var x = zeros(1, 3, 200, 224);
        Assert.Contains("DaClipPreprocessing.Apply", Assert.Throws<ArgumentException>(() => model.Controller.forward(x)).Message, StringComparison.Ordinal);
        using var d = zeros(new long[] { 1, 3, 224, 224 }, ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => model.Visual.forward(d));
    }

    [Fact]
    public void Constructor_RejectsBadShapesAndWords()
    {
        Assert.Throws<RgsudException>(() => new DaClipModel(DaClipTestModels.Tiny with { Heads = 5 }));
        Assert.Throws<RgsudException>(() => new DaClipModel(DaClipTestModels.Tiny with { PatchSize = 30 }));
        Assert.Throws<RgsudException>(() => new DaClipModel(DaClipTestModels.Tiny, ["rainy", "rainy"]));
        Assert.Equal(["motion-blurry", "hazy", "jpeg-compressed", "low-light", "noisy", "raindrop", "rainy", "shadowed", "snowy", "uncompleted"],
            DaClipModel.DefaultDegradations);
    }
}
