namespace Rgsud.Strategy;

/// <summary>What a recycling pass did.</summary>
/// <param name="Step">The training step it ran at.</param>
/// <param name="Offered">Images derained, scored and offered.</param>
/// <param name="Accepted">Offers the bank kept.</param>
/// <param name="MeanCandidateScore">Mean score of this pass's outputs.</param>
/// <param name="Elapsed">Wall time of the pass.</param>
public sealed record RecyclingPassResult(long Step, int Offered, int Accepted, double MeanCandidateScore, TimeSpan Elapsed);
