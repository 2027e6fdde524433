namespace Rgsud.Strategy;

/// <summary>What a recycling pass did.</summary>
/// <param name="Step">The training step it ran at.</param>
/// <param name="Offered">Images derained, scored and offered.</param>
/// <param name="Accepted">Offers the bank kept.</param>
/// <param name="MeanCandidateScore">Mean score of this pass's outputs.</param>
/// <param name="Elapsed">Wall time of the pass.</param>
/// <param name="Improved">
/// Outputs that score strictly better than their own rainy input (in the scorer's direction; an image whose input
/// score is unknown does not count): how much the derainer does at this step, whatever the bank already holds.
/// </param>
public sealed record RecyclingPassResult(long Step, int Offered, int Accepted, double MeanCandidateScore, TimeSpan Elapsed, int Improved)
{
    /// <summary><see cref="Improved"/> / <see cref="Offered"/> (NaN when nothing was offered).</summary>
    public double ImprovedShare => Offered == 0 ? double.NaN : (double)Improved / Offered;
}
