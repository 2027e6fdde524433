using Rgsud.Abstractions;

namespace Rgsud.Strategy;

/// <summary>How a training run ended.</summary>
/// <param name="StepsCompleted">Steps done in total (including before a resume).</param>
/// <param name="Stage2StartStep">The step at which stage 2 began, or null when it never did.</param>
/// <param name="Cancelled">True when it stopped on the cancellation token (after writing a checkpoint).</param>
/// <param name="SkippedUpdates">Optimiser updates skipped for non-finite values.</param>
/// <param name="Passes">Every recycling pass of this process.</param>
/// <param name="Bank">Final bank statistics (null without the strategy).</param>
/// <param name="TrainingTime">Time spent in method steps (this process).</param>
/// <param name="RecyclingTime">Time spent in recycling passes and in-batch offers (this process).</param>
public sealed record TrainingResult(
    long StepsCompleted,
    long? Stage2StartStep,
    bool Cancelled,
    long SkippedUpdates,
    IReadOnlyList<RecyclingPassResult> Passes,
    RewardBankStatistics? Bank,
    TimeSpan TrainingTime,
    TimeSpan RecyclingTime)
{
    /// <summary>
    /// True when stage 1 was due to end but the stage-2 gate (<see cref="SelfReinforcementOptions.Stage2MinImprovedShare"/>)
    /// held stage 2 back at least once in this process (<see cref="Stage2StartStep"/> then says whether it began later).
    /// </summary>
    public bool Stage2Deferred { get; init; }
}
