using Rgsud.Abstractions;

namespace Rgsud.Strategy;

/// <summary>
/// Decides when reward recycling has plateaued: over the last <c>window</c> passes, every pass accepted fewer
/// than <c>acceptanceRate</c> of its offers and the bank's mean reward utility rose by less than
/// <c>minImprovement</c>. A bank without rewards has not plateaued (nothing to plateau yet: a base that still
/// returns its inputs, or a derainer frozen by a warm-up, offers nothing better than the inputs), and rewards that
/// first appear within the window count as progress. Its state is a list of (acceptance rate, mean utility) per
/// pass, checkpointed with the run.
/// </summary>
public sealed class PlateauDetector
{
    private readonly List<(double AcceptanceRate, double MeanUtility)> passes = [];

    /// <summary>Creates a detector.</summary>
    public PlateauDetector(int window, double acceptanceRate, double minImprovement)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "must be at least 1");
        Window = window;
        AcceptanceRate = acceptanceRate;
        MinImprovement = minImprovement;
    }

    /// <summary>Passes looked back over.</summary>
    public int Window { get; }

    /// <summary>The acceptance-rate bar.</summary>
    public double AcceptanceRate { get; }

    /// <summary>The mean-utility improvement bar.</summary>
    public double MinImprovement { get; }

    /// <summary>The recorded passes (for checkpoints and reports).</summary>
    public IReadOnlyList<(double AcceptanceRate, double MeanUtility)> Passes => passes;

    /// <summary>Records a pass from the bank's statistics.</summary>
    public void Record(RewardBankStatistics statistics, ScoreDirection direction)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        passes.Add((statistics.AcceptanceRate, ScoreOrdering.Utility(statistics.MeanScore, direction)));
    }

    /// <summary>Restores recorded passes (from a checkpoint).</summary>
    public void Restore(IEnumerable<(double AcceptanceRate, double MeanUtility)> recorded)
    {
        passes.Clear();
        passes.AddRange(recorded);
    }

    /// <summary>True when the last <see cref="Window"/> passes show no progress.</summary>
    public bool HasPlateaued
    {
        get
        {
            if (passes.Count < Window + 1) return false;
            var recent = passes.Skip(passes.Count - Window).ToList();
            var before = passes[passes.Count - Window - 1];
            bool fewAccepted = recent.All(p => double.IsNaN(p.AcceptanceRate) || p.AcceptanceRate < AcceptanceRate);
            // NaN utility = no reward in the bank: now (not a plateau) or before the window (the rewards are new).
            double gain = recent[^1].MeanUtility - before.MeanUtility;
            bool flat = !double.IsNaN(gain) && gain < MinImprovement;
            return fewAccepted && flat;
        }
    }
}
