// Your own reward scorer plugged into the strategy: any IRewardScorer works (no-reference, batched, on the CPU or the
// method's device). Check first that it ranks clean above rainy on your data, then train with it.
// Usage: dotnet run -- [ITERATIONS=8] [RAINY_DIR CLEAN_DIR]   (no folders: a small synthetic set made in code)
using Rgsud.Abstractions;
using Rgsud.Data;
using Rgsud.Networks;
using Rgsud.Networks.Methods.CycleGan;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using TorchSharp;
using static TorchSharp.torch;

long iterations = args.Length > 0 ? long.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8;
manual_seed(2);
using var data = args.Length > 2
    ? UnpairedImageDataset.Load(args[1], args[2], minSize: 64)
    : UnpairedImageDataset.FromTensors(
        [.. Enumerable.Range(0, 6).Select(i => ($"rainy-{i}", Synthetic.Rainy(Synthetic.Scene())))],
        [.. Enumerable.Range(0, 6).Select(i => ($"clean-{i}", Synthetic.Scene()))]);

var scorer = new StreakEnergyScorer();

// 1. Does the scorer prefer clean images? (The strategy keeps, per rainy image, the best-scoring derained output.)
double Mean(IEnumerable<DatasetImage> images) => images.Average(i =>
{
    using var x = i.ToFloat();
    using var s = scorer.Score(x);
    return s.item<double>();
});
double rainyMean = Mean(data.Rainy), cleanMean = Mean(data.Clean);
Console.WriteLine($"{scorer.Name}: rainy {rainyMean:F4}, clean {cleanMean:F4} ({scorer.Direction})");
if (!(cleanMean < rainyMean))
{
    Console.Error.WriteLine("the scorer does not rank clean images better than rainy ones on this data: fix it before training");
    return 1;
}

// 2. Train a CycleGAN-style method (no rain renderer: pseudo pairs add the rain layer to clean crops) with it.
using var method = new CycleGanMethod(CycleGanOptions.Small, DerainerRegistry.Create("nafnet-small"));
var options = new SelfReinforcementOptions
{
    Iterations = iterations, Stage1Iterations = iterations / 2, RecycleEvery = (int)Math.Max(1, iterations / 2),
    CropSize = 32, BatchSize = 1,
};
var trainer = new SelfReinforcementTrainer(method, data, scorer, new InMemoryRewardBank(scorer.Direction),
    new AutoPseudoPairSynthesizer(), new CharbonnierSelfReinforcementLoss(options.Lambda2), options);
var result = trainer.Train();
Console.WriteLine($"trained {result.StepsCompleted} steps; stage 2 from {result.Stage2StartStep}; " +
    $"reward bank {result.Bank?.Filled}/{result.Bank?.Slots}, mean score {result.Bank?.MeanScore:F4} (inputs {result.Bank?.MeanInputScore:F4})");
return 0;

/// <summary>
/// Rain streaks are thin, bright and oriented: the score is the mean positive response to a diagonal line detector
/// (a line minus its blurred surroundings), so lower is better. <see cref="Score"/> gets a batch
/// <c>[N,3,H,W]</c> in [0,1] and returns one score per image, as float64 on the CPU.
/// </summary>
sealed class StreakEnergyScorer : IRewardScorer
{
    private readonly Tensor kernel = (eye(9) - full(9, 9, 1.0f / 9)).reshape(1, 1, 9, 9) / 9;

    public string Name => "streak-energy";

    public ScoreDirection Direction => ScoreDirection.LowerIsBetter;

    public Tensor Score(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var luma = images.to(float32).mean([1], keepdim: true);
        var response = nn.functional.conv2d(luma, kernel.to(images.device), padding: [4, 4]);
        return nn.functional.relu(response).mean([1, 2, 3]).to(float64).cpu().MoveToOuterDisposeScope();
    }
}

/// <summary>Toy data: smooth scenes; rain = bright diagonal streaks.</summary>
static class Synthetic
{
    public static Tensor Scene() =>
        nn.functional.interpolate(rand(1, 3, 6, 6), [64, 64], mode: InterpolationMode.Bilinear, align_corners: true) * 0.7 + 0.15;

    public static Tensor Rainy(Tensor scene) =>
        (scene + nn.functional.conv2d((rand(1, 1, 64, 64) > 0.99).to(float32), eye(9).reshape(1, 1, 9, 9), padding: [4, 4]) * 0.5).clamp(0, 1);
}
