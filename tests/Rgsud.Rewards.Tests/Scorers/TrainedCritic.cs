using System.Diagnostics;
using Rgsud.Rewards.Scorers;

namespace Rgsud.Rewards.Tests.Scorers;

/// <summary>The critic trained once on shared train-rainy / train-clean with the default options (never on dev).</summary>
internal static class TrainedCritic
{
    private static readonly Lazy<(RainCritic Critic, TimeSpan Elapsed, List<RainCriticProgress> Progress)> Trained = new(() =>
    {
        var reports = new List<RainCriticProgress>();
        var sw = Stopwatch.StartNew();
        var critic = RainCritic.Train(TestImages.Rain100L("train-rainy"), TestImages.Rain100L("train-clean"),
            new RainCriticOptions(), new SynchronousProgress<RainCriticProgress>(reports.Add));
        return (critic, sw.Elapsed, reports);
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    public static RainCritic Critic => Trained.Value.Critic;

    /// <summary>Wall time of training, reading the 57 images included.</summary>
    public static TimeSpan Elapsed => Trained.Value.Elapsed;

    public static IReadOnlyList<RainCriticProgress> Progress => Trained.Value.Progress;
}
