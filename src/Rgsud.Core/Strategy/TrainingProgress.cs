using Rgsud.Abstractions;

namespace Rgsud.Strategy;

/// <summary>A progress report of the trainer (sent through <see cref="IProgress{T}"/>).</summary>
/// <param name="Stage">1 (reward recycling) or 2 (self-reinforcement).</param>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Losses">Mean losses since the previous report.</param>
/// <param name="Bank">The bank's statistics (null without the strategy).</param>
/// <param name="StepsPerSecond">Training throughput over the run so far.</param>
/// <param name="Eta">Estimated time to the end.</param>
/// <param name="Event">A one-off event ("recycling pass", "stage 2", "checkpoint"), or null for a plain step report.</param>
public sealed record TrainingProgress(
    int Stage,
    long Step,
    long TotalSteps,
    IReadOnlyDictionary<string, double> Losses,
    RewardBankStatistics? Bank,
    double StepsPerSecond,
    TimeSpan Eta,
    string? Event = null);
