using BenchmarkDotNet.Attributes;
using Rgsud.Abstractions;
using Rgsud.Data;
using Rgsud.Imaging;
using Rgsud.Networks;
using Rgsud.Rewards.Scorers;
using Rgsud.Runtime;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// A stage-1 recycling pass (derain every training image with nafnet-small, score it, offer it to the bank) over
/// 8 images of 481×321 (Rain100L's size), reported per image; the scorer's share of it follows from
/// <see cref="ScorerBenchmarks"/>.
/// </summary>
public class RecyclingBenchmarks
{
    private const int Images = 8;
    private string root = null!;
    private UnpairedImageDataset data = null!;
    private nn.Module<Tensor, Tensor> derainer = null!;
    private IRewardScorer scorer = null!;
    private RewardRecycler recycler = null!;
    private long step;

    /// <summary>The scorer of the pass.</summary>
    [Params("niqe", "critic")]
    public string Scorer { get; set; } = "niqe";

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        manual_seed(0);
        root = Path.Combine(Path.GetTempPath(), "rgsud-recycle-bench-" + Guid.NewGuid().ToString("N"));
        foreach (var (folder, rain) in new[] { ("rainy", true), ("clean", false) })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            for (var i = 0; i < Images; i++)
            {
                using var clean = BenchmarkInputs.Images(1, 321, 481, seed: 100 + i);
                using var image = rain ? BenchmarkInputs.Rainy(clean, seed: i) : clean.alias();
                ImageIO.WritePng(image[0], Path.Combine(root, folder, $"{i:D3}.png"));
            }
        }
        data = UnpairedImageDataset.Load(Path.Combine(root, "rainy"), Path.Combine(root, "clean"));
        derainer = DerainerRegistry.Create("nafnet-small");
        TensorLayout.ApplyPreferred(derainer);
        scorer = Scorer == "niqe" ? ScorerBenchmarks.CreateNiqe() : ScorerBenchmarks.CreateCritic();
        recycler = new RewardRecycler(scorer, new InMemoryRewardBank(scorer.Direction));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        derainer.Dispose();
        data.Dispose();
        (scorer as IDisposable)?.Dispose();
        Directory.Delete(root, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Images)]
    public void PassPerImage() => recycler.Run(derainer, data.Rainy, CPU, step++);
}
