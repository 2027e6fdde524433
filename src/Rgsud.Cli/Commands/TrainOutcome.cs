using Rgsud.Strategy;

namespace Rgsud.Cli.Commands;

/// <summary>What a training run of <see cref="TrainCommand.Execute"/> produced.</summary>
/// <param name="RunDirectory">The run folder (the model: <c>derainer.json</c> + <c>derainer.safetensors</c>).</param>
/// <param name="Network">The derainer network's registry name.</param>
/// <param name="Result">How training ended.</param>
/// <param name="Wall">Wall-clock time of the run, report included.</param>
/// <param name="ReportPath">The run's <c>report.html</c>.</param>
internal sealed record TrainOutcome(string RunDirectory, string Network, TrainingResult Result, TimeSpan Wall, string ReportPath);
