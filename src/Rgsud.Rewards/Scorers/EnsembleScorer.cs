using System.Globalization;
using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Scorers;

/// <summary>
/// A weighted combination of reward scorers. Each member's score is turned into a higher-is-better utility with
/// <see cref="ScoreOrdering.Utility(double, ScoreDirection)"/> (so directions do not matter), normalised
/// (<see cref="Normalization"/>), and the ensemble score is the weighted mean of the normalised utilities; higher is
/// better. An image for which any member's score is not finite scores NaN (never preferred by a bank).
/// <para>
/// <b>Comparability.</b> With <see cref="Normalization.Rank"/> or <see cref="Normalization.ZScore"/> an image's
/// score depends on the other images of the same call: scores are only comparable within one call. The reward
/// strategy scores a recycling pass in small batches and compares each image's score with one taken in an earlier
/// pass, so these modes only make sense when a whole pass is scored in one call (a batch holding every training
/// image), and even then scores of different passes are on different scales. <see cref="Normalization.FixedAffine"/>
/// (the default) fits each member's mean and standard deviation once, with <see cref="Calibrate(Tensor)"/> (for
/// example on the rainy inputs before the first pass), and applies that fixed affine map afterwards, so scores are
/// comparable across calls and passes. Scoring a FixedAffine ensemble before calibrating it throws.
/// </para>
/// </summary>
public sealed class EnsembleScorer : IRewardScorer, IDisposable
{
    private readonly EnsembleMember[] members;
    private readonly bool ownsMembers;
    private ScoreStatistics[]? calibration;
    private readonly object gate = new();

    /// <summary>Creates an ensemble.</summary>
    /// <param name="members">The members (at least one), with finite non-negative weights of positive sum.</param>
    /// <param name="normalization">How utilities are normalised; <see cref="Normalization.FixedAffine"/> by default.</param>
    /// <param name="ownsMembers">When true, <see cref="Dispose"/> disposes the members that are <see cref="IDisposable"/>.</param>
    /// <exception cref="RgsudException">No member, a nested ensemble, or invalid weights.</exception>
    public EnsembleScorer(IEnumerable<EnsembleMember> members, Normalization normalization = Normalization.FixedAffine, bool ownsMembers = false)
    {
        ArgumentNullException.ThrowIfNull(members);
        this.members = members.ToArray();
        if (this.members.Length == 0) throw new RgsudException("an ensemble needs at least one scorer");
        foreach (var m in this.members)
        {
            ArgumentNullException.ThrowIfNull(m);
            ArgumentNullException.ThrowIfNull(m.Scorer);
            if (!double.IsFinite(m.Weight) || m.Weight < 0)
                throw new RgsudException($"ensemble weight of '{m.Scorer.Name}' must be finite and non-negative, got {m.Weight.ToString(CultureInfo.InvariantCulture)}");
        }
        if (!(this.members.Sum(m => m.Weight) > 0)) throw new RgsudException("ensemble weights must not all be zero");
        if (!Enum.IsDefined(normalization)) throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "unknown normalisation");
        Normalization = normalization;
        this.ownsMembers = ownsMembers;
        Members = Array.AsReadOnly(this.members);
        Name = "ensemble:" + string.Join("+", this.members.Select(m => $"{m.Scorer.Name}*{m.Weight.ToString("R", CultureInfo.InvariantCulture)}"));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ScoreDirection Direction => ScoreDirection.HigherIsBetter;

    /// <summary>The members and their weights.</summary>
    public IReadOnlyList<EnsembleMember> Members { get; }

    /// <summary>How utilities are normalised.</summary>
    public Normalization Normalization { get; }

    /// <summary>True once <see cref="Calibrate(Tensor)"/> or <see cref="SetCalibration"/> has run.</summary>
    public bool IsCalibrated => Volatile.Read(ref calibration) is not null;

    /// <summary>Each member's fitted statistics (in member order), or null before calibration.</summary>
    public IReadOnlyList<ScoreStatistics>? Calibration => Volatile.Read(ref calibration) is { } c ? Array.AsReadOnly(c) : null;

    /// <summary>
    /// Fits each member's utility mean and standard deviation on <paramref name="images"/> (<c>[N,3,H,W]</c> in
    /// [0,1]) for <see cref="Normalization.FixedAffine"/>, replacing any earlier calibration.
    /// </summary>
    /// <exception cref="RgsudException">A member has fewer than two finite scores, or no spread, on these images.</exception>
    public void Calibrate(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        Calibrate([images]);
    }

    /// <summary>Fits the calibration on several batches together (e.g. a whole pass scored in batches).</summary>
    /// <exception cref="RgsudException">A member has fewer than two finite scores, or no spread, on these images.</exception>
    public void Calibrate(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var utilities = members.Select(_ => new List<double>()).ToArray();
        foreach (var batch in batches)
        {
            ArgumentNullException.ThrowIfNull(batch);
            var scores = MemberUtilities(batch);
            for (int k = 0; k < members.Length; k++) utilities[k].AddRange(scores[k]);
        }
        var stats = new ScoreStatistics[members.Length];
        for (int k = 0; k < members.Length; k++)
        {
            var finite = utilities[k].Where(double.IsFinite).ToList();
            if (finite.Count < 2)
                throw new RgsudException($"calibrating ensemble member '{members[k].Scorer.Name}' needs at least 2 images with finite scores, got {finite.Count}");
            double mean = finite.Average();
            double std = Math.Sqrt(finite.Sum(u => (u - mean) * (u - mean)) / finite.Count);
            if (!(std > 0))
                throw new RgsudException($"calibrating ensemble member '{members[k].Scorer.Name}': its scores do not vary over the {finite.Count} calibration images");
            stats[k] = new ScoreStatistics(mean, std, finite.Count);
        }
        Volatile.Write(ref calibration, stats);
    }

    /// <summary>Restores a calibration (e.g. from a checkpoint); one entry per member, in member order.</summary>
    /// <exception cref="RgsudException">The count does not match or a statistic is invalid.</exception>
    public void SetCalibration(IReadOnlyList<ScoreStatistics> statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (statistics.Count != members.Length)
            throw new RgsudException($"ensemble '{Name}' has {members.Length} members but the calibration has {statistics.Count} entries");
        foreach (var s in statistics)
        {
            ArgumentNullException.ThrowIfNull(s);
            if (!double.IsFinite(s.Mean) || !(s.StandardDeviation > 0) || !double.IsFinite(s.StandardDeviation))
                throw new RgsudException($"invalid calibration entry (mean {s.Mean}, std {s.StandardDeviation}): the mean must be finite and the std positive");
        }
        Volatile.Write(ref calibration, statistics.ToArray());
    }

    /// <summary>Scores a batch <c>[N,3,H,W]</c> in [0,1]; returns a float64 CPU tensor <c>[N]</c>, higher is better.</summary>
    /// <exception cref="RgsudException">FixedAffine normalisation without calibration, or a member returned the wrong shape.</exception>
    public Tensor Score(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var stats = Volatile.Read(ref calibration);
        if (Normalization == Normalization.FixedAffine && stats is null)
            throw new RgsudException($"ensemble '{Name}' uses FixedAffine normalisation and is not calibrated: call Calibrate(images) once " +
                "(e.g. on the rainy training inputs) before scoring, or choose Normalization.Rank or Normalization.ZScore (comparable only within one call)");
        var utilities = MemberUtilities(images);
        int n = utilities[0].Length;
        var result = new double[n];
        double weightSum = members.Sum(m => m.Weight);
        for (int k = 0; k < members.Length; k++)
        {
            if (members[k].Weight == 0) continue;
            var normalised = Normalization switch
            {
                Normalization.FixedAffine => utilities[k].Select(u => (u - stats![k].Mean) / stats[k].StandardDeviation).ToArray(),
                Normalization.Rank => Ranks(utilities[k]),
                _ => ZScores(utilities[k]),
            };
            for (int i = 0; i < n; i++) result[i] += members[k].Weight / weightSum * normalised[i];
        }
        return tensor(result, new long[] { n }, ScalarType.Float64);
    }

    /// <summary>Disposes the members that are disposable when the ensemble owns them.</summary>
    public void Dispose()
    {
        if (!ownsMembers) return;
        foreach (var m in members) (m.Scorer as IDisposable)?.Dispose();
    }

    private double[][] MemberUtilities(Tensor images)
    {
        lock (gate)
        {
            long n = images.dim() > 0 ? images.shape[0] : -1;
            var result = new double[members.Length][];
            for (int k = 0; k < members.Length; k++)
            {
                var scorer = members[k].Scorer;
                using var scores = scorer.Score(images);
                if (scores.dim() != 1 || scores.shape[0] != n)
                    throw new RgsudException($"ensemble member '{scorer.Name}' returned shape [{string.Join(",", scores.shape)}] for {n} images; expected [{n}]");
                using var cpu = scores.to(ScalarType.Float64).cpu();
                result[k] = cpu.data<double>().ToArray().Select(s => double.IsFinite(s) ? ScoreOrdering.Utility(s, scorer.Direction) : double.NaN).ToArray();
            }
            return result;
        }
    }

    /// <summary>Ranks of the finite values scaled to [0, 1] (ties averaged; one value → 0.5); NaN stays NaN.</summary>
    internal static double[] Ranks(double[] values)
    {
        var result = new double[values.Length];
        var finite = Enumerable.Range(0, values.Length).Where(i => double.IsFinite(values[i])).OrderBy(i => values[i]).ToArray();
        for (int i = 0; i < values.Length; i++) if (!double.IsFinite(values[i])) result[i] = double.NaN;
        if (finite.Length == 1) { result[finite[0]] = 0.5; return result; }
        int start = 0;
        while (start < finite.Length)
        {
            int end = start;
            while (end + 1 < finite.Length && values[finite[end + 1]] == values[finite[start]]) end++;
            double rank = (start + end) / 2.0 / (finite.Length - 1);
            for (int j = start; j <= end; j++) result[finite[j]] = rank;
            start = end + 1;
        }
        return result;
    }

    /// <summary>Batch z-scores of the finite values (0 when there is no spread); NaN stays NaN.</summary>
    internal static double[] ZScores(double[] values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        double mean = finite.Length > 0 ? finite.Average() : 0;
        double std = finite.Length > 0 ? Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / finite.Length) : 0;
        return values.Select(v => !double.IsFinite(v) ? double.NaN : std > 0 ? (v - mean) / std : 0).ToArray();
    }
}
