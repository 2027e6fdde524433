namespace Rgsud.Abstractions;

/// <summary>What one optimisation step of an unpaired method did.</summary>
/// <param name="Losses">Named loss values of the step (for logs), including any extra-objective parts.</param>
/// <param name="SkippedUpdates">Optimiser updates skipped because a loss or gradient was not finite (0 normally).</param>
public sealed record MethodStepResult(IReadOnlyDictionary<string, double> Losses, int SkippedUpdates = 0);
