using Rgsud.Abstractions;

namespace Rgsud.Rewards.Scorers;

/// <summary>A scorer of an <see cref="EnsembleScorer"/> and its weight (finite, ≥ 0).</summary>
/// <param name="Scorer">The member scorer (any direction).</param>
/// <param name="Weight">Its weight in the weighted mean of normalised utilities.</param>
public sealed record EnsembleMember(IRewardScorer Scorer, double Weight);
