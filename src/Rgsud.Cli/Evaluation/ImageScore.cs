namespace Rgsud.Cli.Evaluation;

/// <summary>One test image's scores: PSNR/SSIM against its ground truth (NaN without one) and NIQE (null without a model).</summary>
internal sealed record ImageScore(string Name, double Psnr, double Ssim, double? Niqe);
