using Rgsud.Abstractions;
using Rgsud.Core.Tests.Losses;
using Rgsud.Runtime;
using Rgsud.Strategy.Synthesizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Synthesizers;

public sealed class SynthesizerTests
{
    private const int Size = 16;
    private const int StreakColumn = 5;

    /// <summary>A rainy crop: a flat 0.3 background with a bright (0.9) vertical streak; its reward: the background alone.</summary>
    private static (Tensor Rainy, Tensor Reward, Tensor Clean) StreakBatch(int n = 2)
    {
        var reward = torch.full([n, 3, Size, Size], 0.3, dtype: float64);
        var rainy = reward.clone();
        rainy[.., .., .., StreakColumn] = 0.9;
        var clean = GradientCheck.Random([n, 3, Size, Size], seed: 3, lo: 0, hi: 0.4);
        return (rainy, reward, clean);
    }

    private static void AssertStreakOnlyAt(Tensor pseudo, Tensor clean, double amount)
    {
        var diff = pseudo - clean;
        Assert.True(diff[.., .., .., StreakColumn].allclose(torch.full_like(diff[.., .., .., StreakColumn], amount), 0, 1e-12));
        var others = torch.cat([diff[.., .., .., ..StreakColumn], diff[.., .., .., (StreakColumn + 1)..]], 3);
        Assert.Equal(0.0, others.abs().max().item<double>());
    }

    [Fact]
    public void Names()
    {
        Assert.Equal("additive", new AdditiveRainLayerSynthesizer().Name);
        Assert.Equal("rain-conditioned", new RainConditionedSynthesizer().Name);
        Assert.True(new RainConditionedSynthesizer().RainLayerAsReference);
        Assert.False(new AdditiveRainLayerSynthesizer().ClampRainLayerNonNegative);
    }

    [Fact]
    public void Additive_puts_the_streak_at_the_same_place_on_the_clean_crop()
    {
        var (rainy, reward, clean) = StreakBatch();
        var pairs = new AdditiveRainLayerSynthesizer().Synthesize(rainy, reward, clean, renderer: null);
        Assert.Equal(clean.shape, pairs.Rainy.shape);
        Assert.True(pairs.Clean.allclose(clean, 0, 0));
        AssertStreakOnlyAt(pairs.Rainy, clean, 0.6);
    }

    [Fact]
    public void Additive_output_is_clamped_to_the_unit_range()
    {
        var rainy = GradientCheck.Random([4, 3, 12, 12], seed: 1);
        var reward = GradientCheck.Random([4, 3, 12, 12], seed: 2);
        var clean = GradientCheck.Random([4, 3, 12, 12], seed: 3);
        var pseudo = new AdditiveRainLayerSynthesizer().Synthesize(rainy, reward, clean, null).Rainy;
        Assert.True(pseudo.min().item<double>() >= 0);
        Assert.True(pseudo.max().item<double>() <= 1);
        Assert.True(pseudo.allclose((clean + (rainy - reward)).clamp(0, 1), 0, 0));
        // Both ends are actually reached with these inputs, so the clamp is exercised.
        Assert.Equal(0.0, pseudo.min().item<double>());
        Assert.Equal(1.0, pseudo.max().item<double>());
    }

    [Fact]
    public void Additive_can_keep_only_the_non_negative_rain_layer()
    {
        var (rainy, reward, clean) = StreakBatch();
        // A reward brighter than the rainy crop everywhere but the streak: not rain, dropped by the option.
        var brighter = reward + 0.1;
        var plain = new AdditiveRainLayerSynthesizer().Synthesize(rainy, brighter, clean, null).Rainy;
        var clamped = new AdditiveRainLayerSynthesizer { ClampRainLayerNonNegative = true }.Synthesize(rainy, brighter, clean, null).Rainy;
        AssertStreakOnlyAt(clamped, clean, 0.5);
        Assert.True(plain[.., .., .., 0].allclose((clean[.., .., .., 0] - 0.1).clamp(0, 1), 0, 1e-12));
    }

    [Fact]
    public void Additive_rows_without_a_reward_give_identity_pairs()
    {
        var (rainy, _, clean) = StreakBatch();
        var pairs = new AdditiveRainLayerSynthesizer().Synthesize(rainy, rainy, clean, null);
        Assert.True(pairs.Rainy.allclose(clean, 0, 0));
    }

    [Fact]
    public void Rain_conditioned_passes_the_rain_layer_and_the_clean_crop_to_the_renderer()
    {
        var (rainy, reward, clean) = StreakBatch();
        var renderer = new RecordingRenderer();
        var pairs = new RainConditionedSynthesizer().Synthesize(rainy, reward, clean, renderer);
        Assert.Equal(1, renderer.Calls);
        Assert.True(renderer.Clean!.allclose(clean, 0, 0));
        Assert.True(renderer.Reference!.allclose(rainy - reward, 0, 0));
        Assert.True(pairs.Clean.allclose(clean, 0, 0));
        AssertStreakOnlyAt(pairs.Rainy, clean, 0.3); // 0.5 × the 0.6 rain layer
    }

    [Fact]
    public void Rain_conditioned_can_pass_the_rainy_crop_itself()
    {
        var (rainy, reward, clean) = StreakBatch();
        var renderer = new RecordingRenderer();
        new RainConditionedSynthesizer { RainLayerAsReference = false }.Synthesize(rainy, reward, clean, renderer);
        Assert.True(renderer.Reference!.allclose(rainy, 0, 0));
    }

    [Fact]
    public void Rain_conditioned_output_is_detached_from_the_renderer()
    {
        var (rainy, reward, clean) = StreakBatch();
        var renderer = new RecordingRenderer();
        using var grad = enable_grad();
        var pairs = new RainConditionedSynthesizer().Synthesize(rainy.requires_grad_(true), reward, clean, renderer);
        Assert.False(pairs.Rainy.requires_grad);
        Assert.False(pairs.Clean.requires_grad);
        Assert.False(renderer.GradEnabled);
    }

    [Fact]
    public void Missing_renderer_names_the_additive_synthesizer()
    {
        var (rainy, reward, clean) = StreakBatch();
        var ex = Assert.Throws<RgsudException>(() => new RainConditionedSynthesizer().Synthesize(rainy, reward, clean, null));
        Assert.Equal(
            "The rain-conditioned synthesizer needs a rain renderer, but the unpaired method has no rain renderer " +
            "(IUnpairedMethod.RainRenderer is null); use AdditiveRainLayerSynthesizer (\"additive\") instead.",
            ex.Message);
    }

    [Fact]
    public void A_renderer_returning_the_wrong_shape_is_reported()
    {
        var (rainy, reward, clean) = StreakBatch();
        var renderer = new RecordingRenderer { Override = (c, _) => c[.., .., ..8] };
        var ex = Assert.Throws<RgsudException>(() => new RainConditionedSynthesizer().Synthesize(rainy, reward, clean, renderer));
        Assert.Contains("[2,3,8,16]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_shapes_are_rejected_with_the_shapes()
    {
        var a = torch.zeros(2, 3, 8, 8);
        var b = torch.zeros(2, 3, 8, 9);
        var gray = torch.zeros(2, 1, 8, 8);
        IPseudoPairSynthesizer[] synthesizers = [new AdditiveRainLayerSynthesizer(), new RainConditionedSynthesizer()];
        foreach (var s in synthesizers)
        {
            var ex = Assert.Throws<ArgumentException>(() => s.Synthesize(a, b, a, new RecordingRenderer()));
            Assert.Contains("rewards [2,3,8,9]", ex.Message, StringComparison.Ordinal);
            Assert.Contains("rainy [2,3,8,8]", ex.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => s.Synthesize(gray, gray, gray, new RecordingRenderer()));
        }
    }

    [Fact]
    public void Outputs_keep_the_inputs_layout_and_device()
    {
        RgsudRuntime.EnsureInitialized();
        var (rainy, reward, clean) = StreakBatch();
        IPseudoPairSynthesizer[] synthesizers = [new AdditiveRainLayerSynthesizer(), new RainConditionedSynthesizer()];
        foreach (var s in synthesizers)
        {
            // The renderer answers in NCHW: the synthesizer gives it the clean crop's layout back.
            var renderer = new RecordingRenderer { Override = (c, r) => (c + r).contiguous() };
            var cl = s.Synthesize(TensorLayout.ToChannelsLast(rainy), TensorLayout.ToChannelsLast(reward), TensorLayout.ToChannelsLast(clean), renderer);
            Assert.True(TensorLayout.IsChannelsLast(cl.Rainy), $"{s.Name}: channels-last lost");
            Assert.True(cl.Rainy.allclose(s.Synthesize(rainy, reward, clean, renderer).Rainy, 0, 1e-12));
            var plain = s.Synthesize(rainy, reward, clean, new RecordingRenderer { Override = (c, r) => TensorLayout.ToChannelsLast(c + r) });
            Assert.True(plain.Rainy.is_contiguous(), $"{s.Name}: NCHW lost");
            Assert.Equal(clean.device_type, plain.Rainy.device_type);
            Assert.Equal(clean.dtype, plain.Rainy.dtype);
        }
    }
}
