namespace Rgsud.Cli.Reports;

/// <summary>A rendered plot of a report: its file name (written beside <c>report.html</c>), title and PNG bytes.</summary>
internal sealed record ReportPlot(string FileName, string Title, byte[] Png);
