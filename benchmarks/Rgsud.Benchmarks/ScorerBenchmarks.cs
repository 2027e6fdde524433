using BenchmarkDotNet.Attributes;
using Rgsud.Abstractions;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using Rgsud.Runtime;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// Scoring one 481×321 image (Rain100L's size) with each scorer that needs no download: images/s = 1 / time.
/// NIQE uses a model fitted on synthetic images (its cost does not depend on the model); the critic is trained
/// for a few steps (its cost does not depend on its weights).
/// </summary>
public class ScorerBenchmarks
{
    private IRewardScorer scorer = null!;
    private Tensor image = null!;

    /// <summary>The scorer (<c>ensemble</c> is niqe+critic with fixed-affine normalisation).</summary>
    [Params("niqe", "critic", "ensemble")]
    public string Scorer { get; set; } = "niqe";

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        manual_seed(0);
        image = BenchmarkInputs.Images(1, 321, 481, seed: 3);
        scorer = Scorer switch
        {
            "niqe" => CreateNiqe(),
            "critic" => CreateCritic(),
            _ => CreateEnsemble(),
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (scorer as IDisposable)?.Dispose();
        image.Dispose();
    }

    [Benchmark]
    public void Score()
    {
        using var scope = NewDisposeScope();
        scorer.Score(image);
    }

    private static EnsembleScorer CreateEnsemble()
    {
        var ensemble = new EnsembleScorer([new EnsembleMember(CreateNiqe(), 1), new EnsembleMember(CreateCritic(), 1)], Normalization.FixedAffine, ownsMembers: true);
        using var calibration = BenchmarkInputs.Images(4, 321, 481, seed: 40);
        ensemble.Calibrate(calibration);
        return ensemble;
    }

    internal static NiqeScorer CreateNiqe()
    {
        var images = Enumerable.Range(0, 6).Select(i => BenchmarkInputs.Images(1, 321, 481, seed: 10 + i)[0]).ToList();
        return new NiqeScorer(NiqeModel.Fit(images, new NiqeFitOptions { SharpnessThreshold = 0 }));
    }

    internal static RainCritic CreateCritic()
    {
        var clean = Enumerable.Range(0, 4).Select(i => BenchmarkInputs.Images(1, 160, 160, seed: 20 + i)[0]).ToList();
        var rainy = clean.Select((c, i) => BenchmarkInputs.Rainy(c.unsqueeze(0), seed: 30 + i)[0]).ToList();
        return RainCritic.Train(rainy, clean, new RainCriticOptions { Steps = 5, BatchSize = 4 });
    }
}
