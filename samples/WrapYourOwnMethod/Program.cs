// Wrap your own unpaired method and scorer with the RGSUD strategy. Usage: dotnet run -- RAINY_DIR CLEAN_DIR [OUT]
using Rgsud.Abstractions;
using Rgsud.Data;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using Rgsud.Training;
using TorchSharp;
using static TorchSharp.torch;

using var data = UnpairedImageDataset.Load(args[0], args[1], minSize: 64);
var options = SelfReinforcementOptions.Cpu(iterations: 40);
options.CropSize = 64;
options.RecycleEvery = 10;
var scorer = new EdgeEnergyScorer();
using var method = new MyAdversarialMethod();
var trainer = new SelfReinforcementTrainer(method, data, scorer, new InMemoryRewardBank(scorer.Direction),
    new AdditiveRainLayerSynthesizer(), new MseSelfReinforcementLoss(options.Lambda2), options, args.Length > 2 ? args[2] : null);
var result = trainer.Train(new Progress<TrainingProgress>(p => Console.WriteLine($"stage {p.Stage} step {p.Step}: " +
    string.Join(", ", p.Losses.Select(kv => $"{kv.Key} {kv.Value:F4}")))));
Console.WriteLine($"done: {result.StepsCompleted} steps, stage 2 from {result.Stage2StartStep}, bank {result.Bank}");

/// <summary>Your scorer: rain streaks add edges, so less edge energy is better.</summary>
sealed class EdgeEnergyScorer : IRewardScorer
{
    public string Name => "edge-energy";
    public ScoreDirection Direction => ScoreDirection.LowerIsBetter;
    public Tensor Score(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var dx = images[.., .., .., 1..] - images[.., .., .., ..^1];
        return dx.abs().mean([1, 2, 3]).to(float64).cpu().MoveToOuterDisposeScope();
    }
}

/// <summary>Your method: a derainer G made to fool a discriminator D on clean images, plus identity on clean.</summary>
sealed class MyAdversarialMethod : IUnpairedMethod
{
    private readonly nn.Module<Tensor, Tensor> d = nn.Sequential(nn.Conv2d(3, 16, 4, stride: 2, padding: 1), nn.LeakyReLU(0.2), nn.Conv2d(16, 1, 3, padding: 1));
    private readonly optim.Optimizer gOpt, dOpt;
    public MyAdversarialMethod()
    {
        Derainer = nn.Sequential(nn.Conv2d(3, 32, 3, padding: 1), nn.ReLU(), nn.Conv2d(32, 3, 3, padding: 1), nn.Sigmoid());
        (gOpt, dOpt) = (optim.Adam(Derainer.parameters(), 2e-4), optim.Adam(d.parameters(), 2e-4));
    }
    public string Name => "my-method";
    public Device Device => CPU;
    public nn.Module<Tensor, Tensor> Derainer { get; }
    public IRainRenderer? RainRenderer => null;
    public MethodStepResult Step(UnpairedBatch batch, IDerainerObjective? extra, long step)
    {
        using var scope = NewDisposeScope();
        var derained = Derainer.call(batch.Rainy);
        var fool = d.call(derained);
        var gLoss = (fool - 1).square().mean() * 0.1 + (Derainer.call(batch.Clean) - batch.Clean).abs().mean();
        if (extra is not null) gLoss += extra.Compute(new DerainerObjectiveContext(batch, Derainer, null, derained)).Loss;
        int skipped = GuardedOptimizerStep.TryStep(gOpt, gLoss, Derainer.parameters()) ? 0 : 1;
        var dLoss = (d.call(batch.Clean) - 1).square().mean() + d.call(derained.detach()).square().mean();
        skipped += GuardedOptimizerStep.TryStep(dOpt, dLoss, d.parameters()) ? 0 : 1;
        return new MethodStepResult(new Dictionary<string, double> { ["g"] = gLoss.item<float>(), ["d"] = dLoss.item<float>() }, skipped);
    }
    public void SaveState(string directory) => Rgsud.Weights.ModuleWeights.Save(Derainer, Path.Combine(directory, "g.safetensors"));
    public void LoadState(string directory) => Rgsud.Weights.ModuleWeights.Load(Derainer, Path.Combine(directory, "g.safetensors"));
    public void Dispose() { gOpt.Dispose(); dOpt.Dispose(); }
}
