namespace Rgsud.Cli.Output;

/// <summary>The mean scores in the <c>eval</c> JSON report.</summary>
internal sealed record EvalMean(double Psnr, double Ssim);
