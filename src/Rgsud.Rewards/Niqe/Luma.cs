using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Niqe;

/// <summary>
/// The 8-bit Y channel NIQE is computed on: RGB in [0,1] is quantised as a PNG is written (NaN → 0, clamp to
/// [0,1], ×255, round half to even — <c>ImageIO.WritePng</c>'s rule), then MATLAB's <c>rgb2ycbcr</c> luma
/// <c>Y = 16 + (65.481 R + 128.553 G + 24.966 B)/255</c> is rounded to an integer (as the uint8 result of
/// <c>rgb2ycbcr</c> and BasicSR's <c>img.round()</c>).
/// </summary>
internal static class Luma
{
    /// <summary>
    /// Quantises a batch <c>[N,3,H,W]</c> (any device, floating point, any strides) to 8 bits and returns
    /// the bytes in contiguous NCHW order.
    /// </summary>
    public static byte[] Quantize(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = images.detach().to(DeviceType.CPU).to_type(ScalarType.Float32).contiguous();
        ReadOnlySpan<float> src = MemoryMarshal.Cast<byte, float>(x.bytes);
        var q = new byte[src.Length];
        for (int k = 0; k < q.Length; k++)
        {
            float v = src[k];
            // torch's nan_to_num(0).clamp(0, 1).mul(255).round() in float32: NaN → 0, ±inf clamp, half to even.
            v = float.IsNaN(v) ? 0f : Math.Clamp(v, 0f, 1f);
            q[k] = (byte)MathF.Round(v * 255f, MidpointRounding.ToEven);
        }
        return q;
    }

    /// <summary>The rounded luma plane (row-major, 0–255 as float64) of one 8-bit RGB image in CHW order.</summary>
    public static double[] FromRgb8(ReadOnlySpan<byte> chw, int height, int width)
    {
        int plane = height * width;
        var y = new double[plane];
        var r = chw[..plane];
        var g = chw.Slice(plane, plane);
        var b = chw.Slice(2 * plane, plane);
        const double kr = 65.481 / 255, kg = 128.553 / 255, kb = 24.966 / 255;
        for (int i = 0; i < plane; i++)
            y[i] = Math.Round(kr * r[i] + kg * g[i] + kb * b[i] + 16.0, MidpointRounding.AwayFromZero);
        return y;
    }

    /// <summary>Validates a batch's shape for NIQE and returns (N, H, W).</summary>
    public static (int N, int H, int W) CheckBatch(Tensor images, int minimumSide)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"expected a batch [N,3,H,W], got [{string.Join(",", images.shape)}]", nameof(images));
        if (!images.is_floating_point())
            throw new ArgumentException($"expected a floating-point batch, got {images.dtype}", nameof(images));
        int n = checked((int)images.shape[0]), h = checked((int)images.shape[2]), w = checked((int)images.shape[3]);
        if (h < minimumSide || w < minimumSide)
            throw new RgsudException($"NIQE needs images of at least {minimumSide}x{minimumSide} pixels (one {minimumSide}x{minimumSide} block), got {w}x{h} (width x height)");
        return (n, h, w);
    }
}
