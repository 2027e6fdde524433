namespace Rgsud.Metrics;

/// <summary>Which values <see cref="ImageQuality"/> compares.</summary>
public enum MetricChannel
{
    /// <summary>
    /// The luma Y of MATLAB's <c>rgb2ycbcr</c>, Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 on 0–255 values,
    /// kept unrounded (BasicSR's <c>test_y_channel=True</c>). The deraining literature's default.
    /// </summary>
    Y,

    /// <summary>The three RGB channels: PSNR over all values, SSIM per channel then averaged.</summary>
    Rgb,
}
