namespace Rgsud.Losses;

/// <summary>Which Gaussian windows the differentiable SSIM averages over.</summary>
public enum SsimPadding
{
    /// <summary>
    /// Only windows lying wholly inside the image (BasicSR's <c>calculate_ssim</c>, pytorch-msssim, and
    /// <see cref="Metrics.ImageQuality.Ssim"/>); images must be at least 11×11.
    /// </summary>
    Valid,

    /// <summary>
    /// One window per pixel, the image zero-padded by 5 on each side (the <c>pytorch_ssim</c> package many
    /// deraining repositories, CSUD's included, use); any image size. Border windows see the zero padding, which
    /// lowers SSIM near the edges.
    /// </summary>
    Same,
}
