namespace Rgsud.Cli.Output;

/// <summary>One image's scores in the <c>eval</c> JSON report.</summary>
internal sealed record EvalImageResult(string Name, double Psnr, double Ssim);
