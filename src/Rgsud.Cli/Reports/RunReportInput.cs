using Rgsud.Strategy;
using static TorchSharp.torch;

namespace Rgsud.Cli.Reports;

/// <summary>What <see cref="RunReport.Write"/> needs besides the run folder's files.</summary>
/// <param name="RunDirectory">The run folder (log.jsonl, options.json, bank/).</param>
/// <param name="Title">The page title.</param>
/// <param name="Derainer">The trained derainer, for the before/after grid (null: no derained column).</param>
/// <param name="Device">Where the derainer runs.</param>
/// <param name="Samples">A few training rainy images: the bank id and the file.</param>
/// <param name="Result">How training ended (null when unknown).</param>
/// <param name="Wall">Wall-clock time of the whole command.</param>
/// <param name="Scorer">The reward scorer's name (null without the strategy).</param>
internal sealed record RunReportInput(
    string RunDirectory, string Title, nn.Module<Tensor, Tensor>? Derainer, Device Device,
    IReadOnlyList<(string Id, string Path)> Samples, TrainingResult? Result, TimeSpan Wall, string? Scorer);
