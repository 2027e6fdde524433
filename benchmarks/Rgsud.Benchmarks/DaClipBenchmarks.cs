using BenchmarkDotNet.Attributes;
using Rgsud.Rewards.DaClip;
using Rgsud.Runtime;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// DA-CLIP IQA scoring of 481×321 images (Rain100L's size) with the real ViT-B/32 shape and random weights (the cost
/// does not depend on the values): preprocessing (bicubic resize, centre crop, normalisation) and the controller.
/// Images per second = <see cref="BatchSize"/> / mean.
/// </summary>
[WarmupCount(1)]
[IterationCount(5)]
public class DaClipBenchmarks
{
    private DaClipScorer scorer = null!;
    private Tensor images = null!;

    /// <summary>Images per <see cref="DaClipScorer.Score"/> call.</summary>
    [Params(1, 8)]
    public int BatchSize { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        manual_seed(0);
        scorer = new DaClipScorer(new DaClipModel(), new DaClipOptions { BatchSize = 16 }, ownsModel: true);
        images = rand(BatchSize, 3, 321, 481);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        scorer.Dispose();
        images.Dispose();
    }

    [Benchmark]
    public double Score481x321()
    {
        using var s = scorer.Score(images);
        return s.data<double>()[0];
    }
}
