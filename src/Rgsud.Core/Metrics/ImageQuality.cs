using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Metrics;

/// <summary>
/// Full-reference image quality as the deraining literature reports it (MATLAB / BasicSR conventions).
/// <para>
/// Both images are first quantised to 8 bits exactly as when they are saved: clamped to [0,1], multiplied by 255
/// in float32 and rounded half to even (as <c>(x.clamp(0,1) * 255).round()</c> in torch). Everything after that is computed in float64 on 0–255 values.
/// With <see cref="MetricChannel.Y"/> the comparison uses MATLAB's <c>rgb2ycbcr</c> luma
/// Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255, not rounded (BasicSR's <c>calculate_psnr</c> /
/// <c>calculate_ssim</c> with <c>test_y_channel=True</c>). <c>cropBorder</c> pixels are removed on every side
/// first. Inputs are [3,H,W] or [1,3,H,W] floating-point tensors on any device and with any strides; the two
/// must have the same height and width. NaN inputs give a NaN result.
/// </para>
/// </summary>
public static class ImageQuality
{
    private const int Window = 11;
    private const int Half = Window / 2;
    private const double Sigma = 1.5;
    private const double C1 = 0.01 * 255 * (0.01 * 255);
    private const double C2 = 0.03 * 255 * (0.03 * 255);

    private static readonly double[] Gaussian = GaussianKernel();

    /// <summary>
    /// Peak signal-to-noise ratio in dB: 10 log10(255² / MSE), the MSE taken over every compared value (all
    /// three channels at once for <see cref="MetricChannel.Rgb"/>). Identical images give +∞.
    /// </summary>
    /// <param name="prediction">The restored image, values nominally in [0,1].</param>
    /// <param name="target">The reference image, same size.</param>
    /// <param name="channel">Y (default) or RGB.</param>
    /// <param name="cropBorder">Pixels removed on each side before comparing.</param>
    /// <exception cref="ArgumentException">Shapes are not [3,H,W]/[1,3,H,W], sizes differ, or the crop leaves nothing.</exception>
    public static double Psnr(Tensor prediction, Tensor target, MetricChannel channel = MetricChannel.Y, int cropBorder = 0)
    {
        var (a, b, height, width) = Prepare(prediction, target, channel, cropBorder, minSize: 1);
        double sum = 0;
        long count = 0;
        for (int c = 0; c < a.Length; c++)
        {
            var pa = a[c];
            var pb = b[c];
            for (int i = 0; i < pa.Length; i++)
            {
                double d = pa[i] - pb[i];
                sum += d * d;
            }

            count += (long)height * width;
        }

        double mse = sum / count;
        return mse == 0 ? double.PositiveInfinity : 10.0 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>
    /// Structural similarity (Wang et al. 2004) as BasicSR's <c>calculate_ssim</c> computes it: an 11×11 Gaussian
    /// window with σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255, only windows lying wholly inside the image ('valid'),
    /// the mean of the SSIM map; for <see cref="MetricChannel.Rgb"/> the mean over the three channels. Identical
    /// images give exactly 1.
    /// </summary>
    /// <param name="prediction">The restored image, values nominally in [0,1].</param>
    /// <param name="target">The reference image, same size.</param>
    /// <param name="channel">Y (default) or RGB.</param>
    /// <param name="cropBorder">Pixels removed on each side before comparing.</param>
    /// <exception cref="ArgumentException">Shapes are not [3,H,W]/[1,3,H,W], sizes differ, or the (cropped) image is smaller than 11×11.</exception>
    public static double Ssim(Tensor prediction, Tensor target, MetricChannel channel = MetricChannel.Y, int cropBorder = 0)
    {
        var (a, b, height, width) = Prepare(prediction, target, channel, cropBorder, minSize: Window);
        double total = 0;
        for (int c = 0; c < a.Length; c++) total += SsimPlane(a[c], b[c], height, width);
        return total / a.Length;
    }

    /// <summary>
    /// The mean SSIM of one plane (0–255 values, row-major), 'valid' Gaussian filtering. The filter is separable:
    /// each image row is filtered horizontally once into a ring of the last 11 rows, and each output row sums those
    /// vertically, so the working set stays about 200 KB whatever the image size.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SsimPlane(double[] a, double[] b, int height, int width)
    {
        var g = Gaussian;
        int ow = width - 2 * Half, oh = height - 2 * Half;

        // Horizontally filtered rows of the five quantities a, b, a², b², ab; row r lives in slot r % Window.
        var ring = new double[5][];
        for (int q = 0; q < 5; q++) ring[q] = new double[Window * ow];
        var products = new double[3][];
        for (int q = 0; q < 3; q++) products[q] = new double[width];
        for (int r = 0; r < Window - 1; r++) FilterRow(a, b, r, width, ow, products, ring);

        var m = new double[5][];
        for (int q = 0; q < 5; q++) m[q] = new double[ow];
        double total = 0;
        for (int y = 0; y < oh; y++)
        {
            FilterRow(a, b, y + Window - 1, width, ow, products, ring);
            for (int q = 0; q < 5; q++)
            {
                var acc = m[q].AsSpan();
                acc.Clear();
                var rows = ring[q];
                for (int k = 0; k < Window; k++) MultiplyAdd(acc, rows.AsSpan((y + k) % Window * ow, ow), g[k]);
            }

            var ma = m[0];
            var mb = m[1];
            var maa = m[2];
            var mbb = m[3];
            var mab = m[4];
            double row = 0;
            for (int x = 0; x < ow; x++)
            {
                double mu1 = ma[x], mu2 = mb[x];
                double mu1Sq = mu1 * mu1, mu2Sq = mu2 * mu2, mu12 = mu1 * mu2;
                double s1 = maa[x] - mu1Sq, s2 = mbb[x] - mu2Sq, s12 = mab[x] - mu12;
                row += (2 * mu12 + C1) * (2 * s12 + C2) / ((mu1Sq + mu2Sq + C1) * (s1 + s2 + C2));
            }

            total += row;
        }

        return total / ((double)oh * ow);
    }

    /// <summary>Filters image row <paramref name="r"/> of a, b, a², b² and ab horizontally into its ring slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterRow(double[] a, double[] b, int r, int width, int ow, double[][] products, double[][] ring)
    {
        var rowA = a.AsSpan(r * width, width);
        var rowB = b.AsSpan(r * width, width);
        var aa = products[0];
        var bb = products[1];
        var ab = products[2];
        for (int i = 0; i < width; i++)
        {
            aa[i] = rowA[i] * rowA[i];
            bb[i] = rowB[i] * rowB[i];
            ab[i] = rowA[i] * rowB[i];
        }

        int slot = r % Window * ow;
        for (int q = 0; q < 5; q++)
        {
            ReadOnlySpan<double> src = q switch { 0 => rowA, 1 => rowB, 2 => aa, 3 => bb, _ => ab };
            var dst = ring[q].AsSpan(slot, ow);
            dst.Clear();
            for (int k = 0; k < Window; k++) MultiplyAdd(dst, src.Slice(k, ow), Gaussian[k]);
        }
    }

    /// <summary>acc[i] += g * src[i] (vectorised; every element gets the same operations whatever its index).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAdd(Span<double> acc, ReadOnlySpan<double> src, double g)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vg = new Vector<double>(g);
            var accV = MemoryMarshal.Cast<double, Vector<double>>(acc);
            var srcV = MemoryMarshal.Cast<double, Vector<double>>(src[..acc.Length]);
            for (int j = 0; j < accV.Length; j++) accV[j] += vg * srcV[j];
            i = accV.Length * Vector<double>.Count;
        }

        for (; i < acc.Length; i++) acc[i] += g * src[i];
    }

    /// <summary>OpenCV's <c>getGaussianKernel(11, 1.5)</c>: exp(-x²/(2σ²)) for x = -5..5, normalised to sum 1.</summary>
    private static double[] GaussianKernel()
    {
        var k = new double[Window];
        double scale = -0.5 / (Sigma * Sigma), sum = 0;
        for (int i = 0; i < Window; i++)
        {
            double x = i - (Window - 1) * 0.5;
            k[i] = Math.Exp(scale * x * x);
            sum += k[i];
        }

        sum = 1.0 / sum;
        for (int i = 0; i < Window; i++) k[i] *= sum;
        return k;
    }

    private static (double[][] A, double[][] B, int Height, int Width) Prepare(
        Tensor prediction, Tensor target, MetricChannel channel, int cropBorder, int minSize)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (channel is not (MetricChannel.Y or MetricChannel.Rgb))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "unknown metric channel");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(cropBorder);
        var (hp, wp) = ImageSize(prediction, nameof(prediction));
        var (ht, wt) = ImageSize(target, nameof(target));
        if (hp != ht || wp != wt)
        {
            throw new ArgumentException(
                $"prediction and target differ in size: prediction {Shape(prediction)} vs target {Shape(target)}", nameof(target));
        }

        long height = hp - 2L * cropBorder, width = wp - 2L * cropBorder;
        if (height < minSize || width < minSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"image {Shape(prediction)} with cropBorder {cropBorder} leaves {Math.Max(0, height)}x{Math.Max(0, width)} pixels; at least {minSize}x{minSize} are needed"),
                nameof(cropBorder));
        }

        var a = Planes(prediction, channel, cropBorder, (int)height, (int)width);
        var b = Planes(target, channel, cropBorder, (int)height, (int)width);
        return (a, b, (int)height, (int)width);
    }

    private static (long Height, long Width) ImageSize(Tensor x, string paramName)
    {
        var s = x.shape;
        bool ok = (x.dim() == 3 && s[0] == 3) || (x.dim() == 4 && s[0] == 1 && s[1] == 3);
        if (!ok) throw new ArgumentException($"expected an RGB image tensor [3,H,W] or [1,3,H,W], got {Shape(x)}", paramName);
        if (!x.is_floating_point()) throw new ArgumentException($"expected a floating-point tensor, got {x.dtype}", paramName);
        return (s[^2], s[^1]);
    }

    /// <summary>
    /// The 8-bit level of a [0,1] value as a saved image holds it: clamp, multiply by 255 in float32 and round half
    /// to even (the same operations and rounding as <c>(x.clamp(0,1) * 255).round()</c> in torch). NaN stays NaN.
    /// </summary>
    private static double Quantise(float v) => MathF.Round(Math.Clamp(v, 0f, 1f) * 255f, MidpointRounding.ToEven);

    private static string Shape(Tensor x) => "[" + string.Join(",", x.shape) + "]";

    /// <summary>Quantises to 8 bits, crops, and returns the planes compared: Y alone, or R, G, B.</summary>
    private static double[][] Planes(Tensor x, MetricChannel channel, int crop, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        var chw = x.dim() == 4 ? x.detach()[0] : x.detach();
        var cpu = chw.to(DeviceType.CPU).to_type(ScalarType.Float32).contiguous();
        ReadOnlySpan<float> data = MemoryMarshal.Cast<byte, float>(cpu.bytes); // a view of the tensor's memory

        int fullW = width + 2 * crop, plane = (height + 2 * crop) * fullW, n = height * width;
        if (channel == MetricChannel.Rgb)
        {
            var rgb = new double[3][];
            for (int c = 0; c < 3; c++)
            {
                var p = new double[n];
                for (int y = 0; y < height; y++)
                {
                    var src = data.Slice(c * plane + (y + crop) * fullW + crop, width);
                    var dst = p.AsSpan(y * width, width);
                    for (int i = 0; i < src.Length; i++) dst[i] = Quantise(src[i]);
                }

                rgb[c] = p;
            }

            return rgb;
        }

        var luma = new double[n];
        for (int y = 0; y < height; y++)
        {
            int row = (y + crop) * fullW + crop;
            var r = data.Slice(row, width);
            var g = data.Slice(plane + row, width);
            var b = data.Slice(2 * plane + row, width);
            var dst = luma.AsSpan(y * width, width);
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = 16.0 + (65.481 * Quantise(r[i]) + 128.553 * Quantise(g[i]) + 24.966 * Quantise(b[i])) / 255.0;
            }
        }

        return [luma];
    }
}
