using Rgsud.Abstractions;
using Rgsud.Rewards.Scorers;

namespace Rgsud.Rewards.Tests.Scorers;

public sealed class EnsembleScorerTests
{
    // "niqe-like": lower is better, score = 10 − 10·v; "critic-like": higher is better, score = v².
    private static FakeScorer Lower() => new("low", ScoreDirection.LowerIsBetter, v => 10 - 10 * v);

    private static FakeScorer Higher() => new("high", ScoreDirection.HigherIsBetter, v => v * v);

    private static double[] Scores(EnsembleScorer e, params double[] values)
    {
        using var batch = FakeScorer.Batch(values);
        using var s = e.Score(batch);
        return s.data<double>().ToArray();
    }

    [Fact]
    public void Rank_TurnsEveryScoreIntoAHigherIsBetterUtility()
    {
        using var e = new EnsembleScorer([new(Lower(), 1), new(Higher(), 1)], Normalization.Rank);
        Assert.Equal(ScoreDirection.HigherIsBetter, e.Direction);
        var s = Scores(e, 0.2, 0.8, 0.5);
        // Both members agree that brighter is better: ranks 0, 1, 0.5 for each.
        Assert.Equal([0.0, 1.0, 0.5], s);
    }

    [Fact]
    public void Rank_TiesShareTheirMeanRank_AndOneImageGetsHalf()
    {
        Assert.Equal([0.5, 0.5, 1.0, 0.0], EnsembleScorer.Ranks([2, 2, 3, 1]));
        Assert.Equal([0.5], EnsembleScorer.Ranks([7]));
        var r = EnsembleScorer.Ranks([1, double.NaN, 3]);
        Assert.Equal(0, r[0]);
        Assert.True(double.IsNaN(r[1]));
        Assert.Equal(1, r[2]);
    }

    [Fact]
    public void ZScore_IsWeightedMeanOfBatchZScores()
    {
        using var e = new EnsembleScorer([new(Lower(), 3), new(Higher(), 1)], Normalization.ZScore);
        var s = Scores(e, 0.0, 0.5, 1.0);
        // Lower member: utilities −10, −5, 0 → z −1.2247, 0, 1.2247. Higher: 0, 0.25, 1 → z by hand.
        double[] hu = [0, 0.25, 1];
        double hm = hu.Average(), hs = Math.Sqrt(hu.Sum(u => (u - hm) * (u - hm)) / 3);
        double[] lz = [-Math.Sqrt(1.5), 0, Math.Sqrt(1.5)];
        for (int i = 0; i < 3; i++) Assert.Equal(0.75 * lz[i] + 0.25 * (hu[i] - hm) / hs, s[i], 12);
        Assert.Equal([0.0, 0.0], EnsembleScorer.ZScores([4, 4]));
    }

    [Fact]
    public void FixedAffine_IsTheDefault_AndThrowsBeforeCalibration()
    {
        using var e = new EnsembleScorer([new(Lower(), 1), new(Higher(), 1)]);
        Assert.Equal(Normalization.FixedAffine, e.Normalization);
        Assert.False(e.IsCalibrated);
        using var batch = FakeScorer.Batch(0.1, 0.2);
        var ex = Assert.Throws<RgsudException>(() => e.Score(batch));
        Assert.StartsWith("ensemble 'ensemble:low*1+high*1' uses FixedAffine normalisation and is not calibrated: call Calibrate(images)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FixedAffine_ScoresAreComparableAcrossCalls()
    {
        using var e = new EnsembleScorer([new(Lower(), 1), new(Higher(), 1)]);
        using (var calibration = FakeScorer.Batch(0.1, 0.3, 0.5, 0.7))
            e.Calibrate(calibration);
        Assert.True(e.IsCalibrated);
        var stats = e.Calibration!;
        Assert.Equal(-6, stats[0].Mean, 12); // utilities −9, −7, −5, −3
        Assert.Equal(Math.Sqrt(5), stats[0].StandardDeviation, 12);
        Assert.Equal(4, stats[0].Count);

        // The same image scores the same alone or with others: the affine map is fixed.
        var alone = Scores(e, 0.6);
        var together = Scores(e, 0.2, 0.6, 0.9);
        Assert.Equal(alone[0], together[1], 15);
        double expected = 0.5 * ((-4 + 6) / Math.Sqrt(5)) + 0.5 * ((0.36 - stats[1].Mean) / stats[1].StandardDeviation);
        Assert.Equal(expected, alone[0], 12);

        // A restored calibration gives the same scores.
        using var f = new EnsembleScorer([new(Lower(), 1), new(Higher(), 1)]);
        f.SetCalibration(stats);
        Assert.Equal(alone, Scores(f, 0.6));
    }

    [Fact]
    public void Calibrate_NeedsSpreadAndTwoFiniteScores()
    {
        using var e = new EnsembleScorer([new(Lower(), 1)]);
        using var one = FakeScorer.Batch(0.5);
        Assert.Equal("calibrating ensemble member 'low' needs at least 2 images with finite scores, got 1",
            Assert.Throws<RgsudException>(() => e.Calibrate(one)).Message);
        using var same = FakeScorer.Batch(0.5, 0.5);
        Assert.Equal("calibrating ensemble member 'low': its scores do not vary over the 2 calibration images",
            Assert.Throws<RgsudException>(() => e.Calibrate(same)).Message);
        // Several batches are pooled.
        e.Calibrate([FakeScorer.Batch(0.5), FakeScorer.Batch(0.7)]);
        Assert.Equal(2, e.Calibration![0].Count);
    }

    [Fact]
    public void NonFiniteMemberScore_MakesTheEnsembleScoreNaN()
    {
        var nan = new FakeScorer("nan", ScoreDirection.LowerIsBetter, v => v > 0.5 ? double.NaN : v);
        using var e = new EnsembleScorer([new(nan, 1), new(Higher(), 1)], Normalization.Rank);
        var s = Scores(e, 0.2, 0.9, 0.4);
        Assert.True(double.IsNaN(s[1]));
        Assert.False(double.IsNaN(s[0]));
    }

    [Fact]
    public void Constructor_Validation()
    {
        Assert.Equal("an ensemble needs at least one scorer", Assert.Throws<RgsudException>(() => new EnsembleScorer([])).Message);
        Assert.Equal("ensemble weight of 'low' must be finite and non-negative, got -1",
            Assert.Throws<RgsudException>(() => new EnsembleScorer([new(Lower(), -1)])).Message);
        Assert.Equal("ensemble weights must not all be zero",
            Assert.Throws<RgsudException>(() => new EnsembleScorer([new(Lower(), 0)])).Message);
        Assert.Equal("ensemble:low*0.5+high*2", new EnsembleScorer([new(Lower(), 0.5), new(Higher(), 2)]).Name);
    }
}
