namespace Rgsud.Abstractions;

/// <summary>A snapshot of a reward bank.</summary>
/// <param name="Slots">Slots known (training rainy images registered or offered).</param>
/// <param name="Filled">Slots that hold a reward.</param>
/// <param name="MeanScore">Mean score of the stored rewards (NaN when none).</param>
/// <param name="MeanInputScore">Mean score of the inputs of the slots whose input score is known (NaN when none).</param>
/// <param name="OffersInLastPass">Offers since the last <see cref="IRewardBank.BeginPass"/>.</param>
/// <param name="AcceptedInLastPass">Offers accepted since the last <see cref="IRewardBank.BeginPass"/>.</param>
public sealed record RewardBankStatistics(int Slots, int Filled, double MeanScore, double MeanInputScore, int OffersInLastPass, int AcceptedInLastPass)
{
    /// <summary>Accepted / offered in the last pass (NaN when nothing was offered).</summary>
    public double AcceptanceRate => OffersInLastPass == 0 ? double.NaN : (double)AcceptedInLastPass / OffersInLastPass;
}
