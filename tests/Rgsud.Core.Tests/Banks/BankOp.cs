namespace Rgsud.Core.Tests.Banks;

/// <summary>One step of a generated bank script: an offer or an input score for one of a few ids.</summary>
/// <param name="IsOffer">True: offer a candidate; false: set the input score.</param>
/// <param name="Slot">Index of the id (0..3).</param>
/// <param name="Score">The score (may be NaN or infinite).</param>
/// <param name="Layout">How the candidate tensor is laid out (0..3).</param>
public sealed record BankOp(bool IsOffer, int Slot, double Score, int Layout);
