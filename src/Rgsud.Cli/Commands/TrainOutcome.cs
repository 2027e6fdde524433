namespace Rgsud.Cli.Commands;

/// <summary>What a training run (<see cref="TrainCommand.Execute"/>, or a child <c>rgsud train</c> process) produced.</summary>
/// <param name="RunDirectory">The run folder (the model: <c>derainer.json</c> + <c>derainer.safetensors</c>).</param>
/// <param name="StepsCompleted">Training steps completed.</param>
/// <param name="Cancelled">True when training stopped before its budget was spent.</param>
/// <param name="Wall">Wall-clock time of the run, report included.</param>
/// <param name="ReportPath">The run's <c>report.html</c>.</param>
internal sealed record TrainOutcome(string RunDirectory, long StepsCompleted, bool Cancelled, TimeSpan Wall, string ReportPath);
