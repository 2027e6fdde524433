using BenchmarkDotNet.Attributes;
using Rgsud.Abstractions;
using Rgsud.Runtime;
using Rgsud.Strategy.Banks;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// Reward-bank operations with 1,000 and 100,000 filled slots, in memory and on disk: an accepted offer (a better
/// score, so the reward is stored), a rejected offer, and reading an 8×8 reward crop. Slots hold 16×12 rewards so
/// that filling 100,000 of them (100,000 files on disk) stays quick; the cost measured is the bank's (index, ledger,
/// files), not the image size (the per-pixel costs of a real reward are in the recycling benchmark).
/// </summary>
public class BankBenchmarks
{
    private const int Width = 16;
    private IRewardBank bank = null!;
    private Tensor reward = null!;
    private string? directory;
    private double score = 10;
    private int next;

    /// <summary>Slots already filled.</summary>
    [Params(1_000, 100_000)]
    public int Entries { get; set; } = 1_000;

    /// <summary><c>memory</c> or <c>disk</c>.</summary>
    [Params("memory", "disk")]
    public string Kind { get; set; } = "memory";

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        reward = BenchmarkInputs.Images(1, 12, Width, seed: 5);
        if (Kind == "disk")
        {
            directory = Path.Combine(Path.GetTempPath(), "rgsud-bank-bench-" + Guid.NewGuid().ToString("N"));
            bank = new DiskRewardBank(directory, ScoreDirection.HigherIsBetter, coldStartGuard: false);
        }
        else
        {
            bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter, coldStartGuard: false);
        }
        for (var i = 0; i < Entries; i++) bank.Offer(Id(i), reward, 1, 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (bank as IDisposable)?.Dispose();
        reward.Dispose();
        if (directory is not null && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    [Benchmark]
    public bool OfferAccepted() => bank.Offer(Id(next++ % Entries), reward, score += 1, 1);

    [Benchmark]
    public bool OfferRejected() => bank.Offer(Id(next++ % Entries), reward, -1, 1);

    [Benchmark]
    public void ReadCrop()
    {
        using var crop = bank.ReadRewardCrop(Id(next++ % Entries), new CropBox(4, 2, 8, 8));
    }

    private static string Id(int i) => $"rainy/{i:D6}.png";
}
