namespace Rgsud.Cli.Reports;

/// <summary>One picture of an image grid in a report: PNG bytes (null: an empty cell) and a caption.</summary>
internal sealed record GridCell(byte[]? Png, string Caption);
