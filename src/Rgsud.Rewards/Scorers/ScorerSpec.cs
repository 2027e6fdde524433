namespace Rgsud.Rewards.Scorers;

/// <summary>A parsed scorer spec: a single scorer's name, or an ensemble's members and normalisation.</summary>
/// <param name="Name">The canonical name of a single scorer, or the trimmed spec of an ensemble.</param>
/// <param name="Members">The ensemble's members (canonical names and weights), or null for a single scorer.</param>
/// <param name="Normalization">The ensemble's explicit normalisation, or null for the default.</param>
internal sealed record ScorerSpec(string Name, IReadOnlyList<(string Name, double Weight)>? Members, Normalization? Normalization);
