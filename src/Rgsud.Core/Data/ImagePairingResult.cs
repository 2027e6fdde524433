namespace Rgsud.Data;

/// <summary>The outcome of <see cref="ImagePairing.Pair"/>.</summary>
/// <param name="Pairs">Pairs, ordered by prediction name (ordinal).</param>
/// <param name="UnpairedPredictions">Predictions without a ground-truth partner, ordered by name.</param>
/// <param name="UnpairedTargets">Ground-truth files no prediction was paired with, ordered by name.</param>
public sealed record ImagePairingResult(
    IReadOnlyList<ImagePair> Pairs,
    IReadOnlyList<string> UnpairedPredictions,
    IReadOnlyList<string> UnpairedTargets);
