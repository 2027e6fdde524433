using BenchmarkDotNet.Attributes;
using Rgsud.Abstractions;
using Rgsud.Networks;
using Rgsud.Networks.Methods.Csud;
using Rgsud.Networks.Methods.CycleGan;
using Rgsud.Runtime;
using Rgsud.Strategy;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// One full training step of each built-in method, base (stage 1) against stage 2 of the strategy (pseudo pairs
/// rendered by the method's T, <c>L_re</c>, λ1 = 1, λ2 = 0.8, every row with a reward), with the CPU preset's sizes:
/// small T/D, nafnet-small, batch 2, crop 96. The ratio of the two rows of a method is the SR step overhead.
/// </summary>
public class MethodStepBenchmarks
{
    private IUnpairedMethod method = null!;
    private UnpairedBatch batch = null!;
    private SelfReinforcementObjective? objective;
    private long step;

    /// <summary>The unpaired method.</summary>
    [Params("csud", "cyclegan")]
    public string Method { get; set; } = "csud";

    /// <summary><c>base</c>: the method alone; <c>rgsud</c>: with the stage-2 objective.</summary>
    [Params("base", "rgsud")]
    public string Strategy { get; set; } = "base";

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        manual_seed(0);
        var derainer = DerainerRegistry.Create("nafnet-small");
        method = Method == "csud"
            ? new CsudMethod(CsudOptions.Small, derainer)
            : new CycleGanMethod(CycleGanOptions.Small, derainer);
        var clean = BenchmarkInputs.Images(2, 96, 96, seed: 1);
        var rainy = BenchmarkInputs.Rainy(BenchmarkInputs.Images(2, 96, 96, seed: 2));
        var rewards = BenchmarkInputs.Images(2, 96, 96, seed: 2);
        batch = new UnpairedBatch(TensorLayout.ToPreferred(rainy), TensorLayout.ToPreferred(clean), ["a", "b"],
            [new CropBox(0, 0, 96, 96), new CropBox(0, 0, 96, 96)])
        {
            Rewards = Strategy == "rgsud" ? TensorLayout.ToPreferred(rewards) : null,
            RewardMask = Strategy == "rgsud" ? ones(2, dtype: @bool) : null,
        };
        if (Strategy == "rgsud")
            objective = new SelfReinforcementObjective(new AutoPseudoPairSynthesizer(), new MseSelfReinforcementLoss(0.8), lambda1: 1.0);
    }

    [GlobalCleanup]
    public void Cleanup() => method.Dispose();

    [Benchmark]
    public void Step() => method.Step(batch, objective, step++);
}
