namespace Rgsud.Cli.Output;

/// <summary>The <c>eval</c> JSON report: <c>{"images":[{"name","psnr","ssim"}],"mean":{"psnr","ssim"},"channel","cropBorder"}</c>.</summary>
internal sealed record EvalReport(IReadOnlyList<EvalImageResult> Images, EvalMean Mean, string Channel, int CropBorder);
