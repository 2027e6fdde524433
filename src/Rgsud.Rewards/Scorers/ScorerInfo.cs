using Rgsud.Abstractions;

namespace Rgsud.Rewards.Scorers;

/// <summary>What the catalog knows about a scorer (in the spirit of pyiqa's metric metadata).</summary>
/// <param name="Name">The name used in scorer specs, e.g. <c>niqe</c>.</param>
/// <param name="Direction">Whether higher or lower scores are better.</param>
/// <param name="Minimum">The smallest possible score (may be <see cref="double.NegativeInfinity"/>).</param>
/// <param name="Maximum">The largest possible score (may be <see cref="double.PositiveInfinity"/>).</param>
/// <param name="NeedsTraining">True when the scorer must be trained on the run's data before use.</param>
/// <param name="NeedsWeights">True when the scorer needs a model or weights file.</param>
/// <param name="Implemented">False for scorers this build can describe but not create.</param>
/// <param name="Description">One line on what it measures and what it needs.</param>
public sealed record ScorerInfo(
    string Name,
    ScoreDirection Direction,
    double Minimum,
    double Maximum,
    bool NeedsTraining,
    bool NeedsWeights,
    bool Implemented,
    string Description)
{
    /// <summary>The range as text, e.g. <c>[0, ∞)</c>.</summary>
    public string RangeText =>
        $"{(double.IsNegativeInfinity(Minimum) ? "(-∞" : "[" + Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture))}, " +
        $"{(double.IsPositiveInfinity(Maximum) ? "∞)" : Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]")}";
}
