namespace Rgsud.Cli.Evaluation;

/// <summary>The mean scores of one row of a comparison (<c>input</c>, <c>base</c>, <c>rgsud</c>, ...) and its images.</summary>
/// <param name="Name">The row's name.</param>
/// <param name="Psnr">Mean PSNR on Y (dB).</param>
/// <param name="Ssim">Mean SSIM on Y.</param>
/// <param name="Niqe">Mean NIQE (lower is better), null when not computed.</param>
/// <param name="Images">Per-image scores.</param>
/// <param name="OutputDirectory">Where the derained test images were written (null for the input row).</param>
internal sealed record ArmScores(string Name, double Psnr, double Ssim, double? Niqe, IReadOnlyList<ImageScore> Images, string? OutputDirectory);
