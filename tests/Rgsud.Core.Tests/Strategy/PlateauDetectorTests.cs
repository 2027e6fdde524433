using Rgsud.Abstractions;
using Rgsud.Strategy;

namespace Rgsud.Core.Tests.Strategy;

public sealed class PlateauDetectorTests
{
    /// <summary>A bank of 30 slots after a pass that offered 30 images and kept <paramref name="accepted"/>.</summary>
    private static RewardBankStatistics Pass(double meanScore, int accepted, int filled = 30) =>
        new(30, filled, meanScore, 5.4, 30, accepted);

    private static PlateauDetector Detector() => new(window: 3, acceptanceRate: 0.05, minImprovement: 1e-3);

    [Fact]
    public void Few_acceptances_and_a_flat_mean_over_the_window_are_a_plateau()
    {
        var d = Detector();
        d.Record(Pass(5.0, 30), ScoreDirection.LowerIsBetter);
        foreach (var _ in Enumerable.Range(0, 2))
        {
            d.Record(Pass(5.0, 1), ScoreDirection.LowerIsBetter);
            Assert.False(d.HasPlateaued); // fewer than window + 1 passes
        }
        d.Record(Pass(5.0, 1), ScoreDirection.LowerIsBetter);
        Assert.True(d.HasPlateaued);
    }

    [Fact]
    public void An_improving_mean_or_a_busy_pass_is_progress()
    {
        var improving = Detector();
        foreach (var mean in new[] { 5.0, 4.99, 4.98, 4.97 }) improving.Record(Pass(mean, 1), ScoreDirection.LowerIsBetter);
        Assert.False(improving.HasPlateaued); // utility rose by 0.03 over the window

        var busy = Detector();
        foreach (var accepted in new[] { 1, 1, 9, 1 }) busy.Record(Pass(5.0, accepted), ScoreDirection.LowerIsBetter);
        Assert.False(busy.HasPlateaued); // one pass in the window kept 30 % of its offers

        // Direction: for a higher-is-better scorer a falling score is no progress.
        var falling = Detector();
        foreach (var mean in new[] { 0.5, 0.49, 0.48, 0.47 }) falling.Record(Pass(mean, 1), ScoreDirection.HigherIsBetter);
        Assert.True(falling.HasPlateaued);
    }

    [Fact]
    public void An_empty_bank_has_not_plateaued_and_first_rewards_are_progress()
    {
        // A derainer that still returns its inputs (or is frozen by a warm-up) offers nothing better: no reward, no plateau.
        var empty = Detector();
        foreach (var _ in Enumerable.Range(0, 6)) empty.Record(Pass(double.NaN, 0, filled: 0), ScoreDirection.LowerIsBetter);
        Assert.False(empty.HasPlateaued);

        // Rewards that appeared within the window: progress, whatever the acceptance rate since.
        empty.Record(Pass(5.2, 1, filled: 1), ScoreDirection.LowerIsBetter);
        empty.Record(Pass(5.2, 0, filled: 1), ScoreDirection.LowerIsBetter);
        Assert.False(empty.HasPlateaued);
        empty.Record(Pass(5.2, 0, filled: 1), ScoreDirection.LowerIsBetter);
        empty.Record(Pass(5.2, 0, filled: 1), ScoreDirection.LowerIsBetter);
        Assert.True(empty.HasPlateaued); // now the window starts after the first reward: flat
    }

    [Fact]
    public void Restore_replays_the_recorded_passes()
    {
        var d = Detector();
        foreach (var _ in Enumerable.Range(0, 4)) d.Record(Pass(5.0, 0), ScoreDirection.LowerIsBetter);
        var copy = Detector();
        copy.Restore(d.Passes);
        Assert.Equal(d.Passes, copy.Passes);
        Assert.True(copy.HasPlateaued);
    }
}
