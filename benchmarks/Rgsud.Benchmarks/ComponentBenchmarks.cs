using BenchmarkDotNet.Attributes;
using Rgsud.Abstractions;
using Rgsud.Networks.Generators;
using Rgsud.Runtime;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// The strategy's small components on a stage-2 batch (2 crops of 96×96, channels-last): each pseudo-pair
/// synthesizer (the rain-conditioned one with the CPU preset's generator T) and each SR loss, forward and backward.
/// </summary>
public class ComponentBenchmarks
{
    private RainConditionedGenerator renderer = null!;
    private Tensor rainy = null!;
    private Tensor rewards = null!;
    private Tensor clean = null!;
    private Tensor scores = null!;
    private readonly RainConditionedSynthesizer rainConditioned = new();
    private readonly AdditiveRainLayerSynthesizer additive = new();
    private readonly MseSelfReinforcementLoss mse = new();
    private readonly CharbonnierSelfReinforcementLoss charbonnier = new();
    private readonly MseSelfReinforcementLoss mseScoreWeighted = new(scoreWeighting: ScoreWeighting.Softmax);

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        manual_seed(0);
        renderer = new RainConditionedGenerator(RainConditionedGeneratorOptions.Small);
        TensorLayout.ApplyPreferred(renderer);
        clean = TensorLayout.ToPreferred(BenchmarkInputs.Images(2, 96, 96, seed: 1));
        rewards = TensorLayout.ToPreferred(BenchmarkInputs.Images(2, 96, 96, seed: 2));
        rainy = TensorLayout.ToPreferred(BenchmarkInputs.Rainy(rewards));
        scores = tensor(new[] { 0.3f, 0.7f });
    }

    [GlobalCleanup]
    public void Cleanup() => renderer.Dispose();

    [Benchmark]
    public void SynthesizeRainConditioned() => Synthesize(rainConditioned, renderer);

    [Benchmark]
    public void SynthesizeAdditive() => Synthesize(additive, null);

    [Benchmark]
    public void SrLossMse() => Loss(mse, null);

    [Benchmark]
    public void SrLossCharbonnier() => Loss(charbonnier, null);

    [Benchmark]
    public void SrLossMseScoreWeighted() => Loss(mseScoreWeighted, scores);

    private void Synthesize(IPseudoPairSynthesizer synthesizer, IRainRenderer? rainRenderer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        synthesizer.Synthesize(rainy, rewards, clean, rainRenderer);
    }

    private void Loss(ISelfReinforcementLoss loss, Tensor? rewardScores)
    {
        using var scope = NewDisposeScope();
        var derained = rainy.detach().requires_grad_(true);
        loss.Compute(derained, rewards, rewardScores, null).backward();
    }
}
