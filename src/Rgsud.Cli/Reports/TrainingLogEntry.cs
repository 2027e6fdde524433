namespace Rgsud.Cli.Reports;

/// <summary>One line of a run's <c>log.jsonl</c>: a logged step, or a recycling pass (<see cref="IsPass"/>).</summary>
/// <param name="Step">The training step.</param>
/// <param name="Stage">1 or 2.</param>
/// <param name="IsPass">True for a recycling-pass line.</param>
/// <param name="Losses">Mean losses since the previous step line (empty for a pass).</param>
/// <param name="BankFilled">Slots holding a reward, when logged.</param>
/// <param name="BankMeanScore">Mean reward score, when logged (NaN when not finite).</param>
/// <param name="BankMeanInputScore">Mean input score, when logged.</param>
/// <param name="Accepted">Offers accepted in the last pass, when logged.</param>
/// <param name="Offered">Images offered by this pass (pass lines).</param>
/// <param name="Seconds">Duration of this pass (pass lines).</param>
internal sealed record TrainingLogEntry(
    long Step, int Stage, bool IsPass, IReadOnlyDictionary<string, double> Losses,
    int? BankFilled, double? BankMeanScore, double? BankMeanInputScore, int? Accepted, int? Offered, double? Seconds);
