using Rgsud.Abstractions;
using Rgsud.Data;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using Rgsud.Testing.Fakes;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Strategy;

/// <summary>Tiny unpaired data and a trainer factory shared by the strategy tests.</summary>
internal static class TrainerTestData
{
    public static UnpairedImageDataset Dataset(int size = 40, int rainyCount = 6, int cleanCount = 6)
    {
        using var g = new Generator(99);
        var rainy = Enumerable.Range(0, rainyCount)
            .Select(i => ($"rain-{i:D3}.png", SyntheticRain.AddRain(SyntheticRain.Scene(g, size), g))).ToList();
        var clean = Enumerable.Range(0, cleanCount)
            .Select(i => ($"clean-{i:D3}.png", SyntheticRain.Scene(g, size))).ToList();
        return UnpairedImageDataset.FromTensors(rainy, clean);
    }

    public static SelfReinforcementOptions Options(long iterations = 24, long stage1 = 12) => new()
    {
        Iterations = iterations,
        Stage1Iterations = stage1,
        RecycleEvery = 4,
        CropSize = 32,
        BatchSize = 2,
        Seed = 5,
        CheckpointEvery = 0,
        LogEvery = 1,
    };

    public static SelfReinforcementTrainer Trainer(UnpairedImageDataset data, SelfReinforcementOptions options, IRewardScorer scorer,
        out TinyAdversarialMethod method, out IRewardBank bank, string? runDirectory = null, int seed = 1)
    {
        manual_seed(seed);
        method = new TinyAdversarialMethod(new TinyDerainer(8));
        bank = new InMemoryRewardBank(scorer.Direction, options.ColdStartGuard);
        return new SelfReinforcementTrainer(method, data, scorer, bank, new AdditiveRainLayerSynthesizer(),
            new MseSelfReinforcementLoss(options.Lambda2), options, runDirectory);
    }

    public static float[] Weights(IUnpairedMethod method) =>
        method.Derainer.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();
}
