namespace Rgsud.Data;

/// <summary>A file a dataset skipped, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">Why it was skipped.</param>
public sealed record SkippedFile(string Path, string Reason);
