namespace Rgsud.Rewards.Niqe;

/// <summary>
/// MATLAB's <c>imresize(A, scale)</c> with the default bicubic kernel (Keys, a = −0.5), for one float64 plane.
/// When downscaling with antialiasing (MATLAB's default) the kernel is stretched by 1/scale and scaled by
/// scale; each output pixel's weights are normalised to sum to 1; input indices outside the image are mirrored
/// with the edge repeated (<c>aux = [1:n, n:-1:1]</c>); zero-weight taps are dropped; rows (dimension 1) are
/// resized first, then columns. The output size is <c>ceil(scale · size)</c>. Values are not clamped.
/// </summary>
public static class MatlabImresize
{
    /// <summary>Resizes a plane stored as <c>[rows, columns]</c>.</summary>
    /// <param name="image">The input plane (at least 1×1).</param>
    /// <param name="scale">The scale factor (&gt; 0), the same for both dimensions.</param>
    /// <param name="antialiasing">MATLAB's <c>'Antialiasing'</c> option (true by default, as in MATLAB); it only matters when downscaling.</param>
    /// <returns>A new plane of size <c>ceil(scale·rows) × ceil(scale·columns)</c>.</returns>
    /// <exception cref="ArgumentException">The plane is empty or the scale is not a positive finite number.</exception>
    public static double[,] Resize(double[,] image, double scale, bool antialiasing = true)
    {
        ArgumentNullException.ThrowIfNull(image);
        int h = image.GetLength(0), w = image.GetLength(1);
        var flat = new double[h * w];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) flat[i * w + j] = image[i, j];
        var resized = Resize(flat, h, w, scale, antialiasing, out int oh, out int ow);
        var result = new double[oh, ow];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) result[i, j] = resized[i * ow + j];
        return result;
    }

    /// <summary>The output length MATLAB gives a dimension of <paramref name="length"/> pixels: <c>ceil(scale · length)</c>.</summary>
    public static int OutputLength(int length, double scale)
    {
        ValidateScale(scale);
        return (int)Math.Ceiling(length * scale);
    }

    /// <summary>Resizes a row-major plane of <paramref name="height"/> × <paramref name="width"/> values.</summary>
    internal static double[] Resize(double[] source, int height, int width, double scale, bool antialiasing,
        out int outHeight, out int outWidth)
    {
        ValidateScale(scale);
        if (height < 1 || width < 1) throw new ArgumentException($"cannot resize an empty {height}x{width} plane", nameof(source));
        if (source.Length != height * width) throw new ArgumentException("the plane's length does not match its size", nameof(source));
        outHeight = OutputLength(height, scale);
        outWidth = OutputLength(width, scale);
        var rows = Contributions(height, outHeight, scale, antialiasing);
        var cols = Contributions(width, outWidth, scale, antialiasing);

        // Dimension 1 (rows) first.
        var mid = new double[outHeight * width];
        for (int i = 0; i < outHeight; i++)
        {
            var dst = mid.AsSpan(i * width, width);
            for (int t = 0; t < rows.Taps; t++)
            {
                double wt = rows.Weights[i * rows.Taps + t];
                var src = source.AsSpan(rows.Indices[i * rows.Taps + t] * width, width);
                if (t == 0)
                    for (int j = 0; j < width; j++) dst[j] = wt * src[j];
                else
                    for (int j = 0; j < width; j++) dst[j] += wt * src[j];
            }
        }

        // Then dimension 2 (columns).
        var result = new double[outHeight * outWidth];
        for (int i = 0; i < outHeight; i++)
        {
            var src = mid.AsSpan(i * width, width);
            var dst = result.AsSpan(i * outWidth, outWidth);
            for (int j = 0; j < outWidth; j++)
            {
                double sum = 0;
                int baseIndex = j * cols.Taps;
                for (int t = 0; t < cols.Taps; t++) sum += cols.Weights[baseIndex + t] * src[cols.Indices[baseIndex + t]];
                dst[j] = sum;
            }
        }
        return result;
    }

    /// <summary>
    /// MATLAB's <c>contributions</c>: for each output position, the (0-based, mirrored) input indices and their
    /// normalised weights, <see cref="KernelTable.Taps"/> per output.
    /// </summary>
    internal static KernelTable Contributions(int inLength, int outLength, double scale, bool antialiasing)
    {
        double kernelWidth = 4.0;
        bool stretch = scale < 1 && antialiasing;
        if (stretch) kernelWidth /= scale;
        int p = (int)Math.Ceiling(kernelWidth) + 2;
        var weights = new double[outLength * p];
        var indices = new int[outLength * p];
        for (int i = 0; i < outLength; i++)
        {
            double x = i + 1;
            double u = x / scale + 0.5 * (1 - 1 / scale);
            double left = Math.Floor(u - kernelWidth / 2);
            double sum = 0;
            for (int t = 0; t < p; t++)
            {
                double index = left + t;
                double wt = stretch ? scale * Cubic(scale * (u - index)) : Cubic(u - index);
                weights[i * p + t] = wt;
                sum += wt;
                indices[i * p + t] = Mirror((long)index, inLength);
            }
            for (int t = 0; t < p; t++) weights[i * p + t] /= sum;
        }

        // Drop taps whose weight is zero for every output (MATLAB's "kill" step).
        var keep = new List<int>(p);
        for (int t = 0; t < p; t++)
        {
            bool any = false;
            for (int i = 0; i < outLength && !any; i++) any = weights[i * p + t] != 0;
            if (any) keep.Add(t);
        }
        if (keep.Count == p) return new KernelTable(weights, indices, p);
        int q = keep.Count;
        var w2 = new double[outLength * q];
        var i2 = new int[outLength * q];
        for (int i = 0; i < outLength; i++)
            for (int k = 0; k < q; k++)
            {
                w2[i * q + k] = weights[i * p + keep[k]];
                i2[i * q + k] = indices[i * p + keep[k]];
            }
        return new KernelTable(w2, i2, q);
    }

    /// <summary>Keys' cubic convolution kernel with a = −0.5 (MATLAB's <c>cubic</c>).</summary>
    internal static double Cubic(double x)
    {
        double ax = Math.Abs(x);
        double ax2 = ax * ax, ax3 = ax2 * ax;
        if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
        if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        return 0;
    }

    /// <summary>Maps a 1-based MATLAB index to a 0-based index with symmetric (edge-repeating) mirroring.</summary>
    private static int Mirror(long oneBased, int length)
    {
        long period = 2L * length;
        long m = ((oneBased - 1) % period + period) % period;
        return (int)(m < length ? m : period - 1 - m);
    }

    private static void ValidateScale(double scale)
    {
        if (!(scale > 0) || !double.IsFinite(scale))
            throw new ArgumentException($"the scale must be a positive finite number, got {scale}", nameof(scale));
    }
}
