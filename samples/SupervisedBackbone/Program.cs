// Your own derainer network (say, one from a supervised paper) trained without pairs: it becomes the derainer G of an
// unpaired method, wrapped by the RGSUD strategy. Then its weights are saved, loaded back and evaluated.
// Usage: dotnet run -- [ITERATIONS=8] [RAINY_DIR CLEAN_DIR]   (no folders: a small synthetic set made in code)
using Rgsud.Data;
using Rgsud.Inference;
using Rgsud.Metrics;
using Rgsud.Networks.Methods.Csud;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using Rgsud.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

long iterations = args.Length > 0 ? long.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8;
manual_seed(1);
using var data = args.Length > 2
    ? UnpairedImageDataset.Load(args[1], args[2], minSize: 96)
    : UnpairedImageDataset.FromTensors(
        [.. Enumerable.Range(0, 6).Select(i => ($"rainy-{i}", Synthetic.Rainy(Synthetic.Scene())))],
        [.. Enumerable.Range(0, 6).Select(i => ($"clean-{i}", Synthetic.Scene()))]);

// NIQE with a pristine model fitted on the clean training images (Rgsud.Rewards): lower is better.
var niqe = NiqeModel.Fit(data.Clean.Select(c => c.ToFloat()), new NiqeFitOptions { SharpnessThreshold = 0 });
var scorer = new NiqeScorer(niqe);

// The unpaired method takes any [N,3,H,W] -> [N,3,H,W] module as its derainer: here, yours.
using var method = new CsudMethod(CsudOptions.Small, new MyResidualDerainer(width: 24));
var options = new SelfReinforcementOptions
{
    Iterations = iterations, Stage1Iterations = iterations / 2, RecycleEvery = (int)Math.Max(1, iterations / 2),
    CropSize = 32, BatchSize = 1,
};
var trainer = new SelfReinforcementTrainer(method, data, scorer, new InMemoryRewardBank(scorer.Direction),
    new AutoPseudoPairSynthesizer(), new MseSelfReinforcementLoss(options.Lambda2), options);
var result = trainer.Train();
Console.WriteLine($"trained {result.StepsCompleted} steps; stage 2 from {result.Stage2StartStep}; " +
    $"bank {result.Bank?.Filled}/{result.Bank?.Slots}, mean NIQE {result.Bank?.MeanScore:F3} (inputs {result.Bank?.MeanInputScore:F3})");

// Save the trained network, load it into a fresh instance, and measure it on a synthetic pair (ground truth known).
var weights = Path.Combine(Path.GetTempPath(), $"my-derainer-{Environment.ProcessId}.safetensors");
ModuleWeights.Save(method.Derainer, weights);
using var reloaded = new MyResidualDerainer(width: 24);
ModuleWeights.Load(reloaded, weights);
File.Delete(weights);
using var truth = Synthetic.Scene();
using var rainy = Synthetic.Rainy(truth);
using var derained = DerainerInference.Derain(reloaded, rainy);
Console.WriteLine($"PSNR (Y) rainy {ImageQuality.Psnr(rainy, truth):F2} dB, derained {ImageQuality.Psnr(derained, truth):F2} dB " +
    "(a few steps on a toy set: the point is the plumbing, not the number)");

/// <summary>
/// A supervised-style residual derainer: it predicts the rain layer and subtracts it (head, two residual blocks, tail).
/// Any TorchSharp module with this signature works: register its sub-modules (RegisterComponents) so that the
/// method's optimiser, checkpoints and <see cref="ModuleWeights"/> see its parameters.
/// </summary>
sealed class MyResidualDerainer : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d head;
    private readonly Conv2d body1;
    private readonly Conv2d body2;
    private readonly Conv2d body3;
    private readonly Conv2d body4;
    private readonly Conv2d tail;

    public MyResidualDerainer(int width) : base(nameof(MyResidualDerainer))
    {
        head = nn.Conv2d(3, width, 3, padding: 1);
        body1 = nn.Conv2d(width, width, 3, padding: 1);
        body2 = nn.Conv2d(width, width, 3, padding: 1);
        body3 = nn.Conv2d(width, width, 3, padding: 1);
        body4 = nn.Conv2d(width, width, 3, padding: 1);
        tail = nn.Conv2d(width, 3, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(head.call(input));
        h = h + body2.call(nn.functional.relu(body1.call(h)));
        h = h + body4.call(nn.functional.relu(body3.call(h)));
        var rain = tail.call(h);
        return (input - rain).MoveToOuterDisposeScope();
    }
}

/// <summary>Toy data: smooth scenes; rain = bright diagonal streaks.</summary>
static class Synthetic
{
    public static Tensor Scene() =>
        nn.functional.interpolate(rand(1, 3, 6, 6), [96, 96], mode: InterpolationMode.Bilinear, align_corners: true) * 0.7 + 0.15;

    public static Tensor Rainy(Tensor scene) =>
        (scene + nn.functional.conv2d((rand(1, 1, 96, 96) > 0.99).to(float32), eye(9).reshape(1, 1, 9, 9), padding: [4, 4]) * 0.5).clamp(0, 1);
}
