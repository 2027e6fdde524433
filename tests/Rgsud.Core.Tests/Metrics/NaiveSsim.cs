namespace Rgsud.Core.Tests.Metrics;

/// <summary>
/// An independent, deliberately slow SSIM reference: for every output pixel, a direct double loop over its 11×11
/// window with a 2-D Gaussian built and normalised in 2-D (no separable passes, no shared code with the library).
/// Same definition as BasicSR's <c>_ssim</c>: window exp(-(u²+v²)/(2·1.5²)) normalised to sum 1, C1 = (0.01·255)²,
/// C2 = (0.03·255)², 'valid' windows only, mean of the map.
/// </summary>
internal static class NaiveSsim
{
    public static double Plane(double[,] a, double[,] b)
    {
        int h = a.GetLength(0), w = a.GetLength(1);
        var win = new double[11, 11];
        double total = 0;
        for (int u = 0; u < 11; u++)
        {
            for (int v = 0; v < 11; v++)
            {
                win[u, v] = Math.Exp(-((u - 5) * (u - 5) + (v - 5) * (v - 5)) / (2 * 1.5 * 1.5));
                total += win[u, v];
            }
        }

        for (int u = 0; u < 11; u++)
            for (int v = 0; v < 11; v++) win[u, v] /= total;

        const double c1 = 6.5025, c2 = 58.5225;
        double sum = 0;
        int count = 0;
        for (int i = 0; i + 11 <= h; i++)
        {
            for (int j = 0; j + 11 <= w; j++)
            {
                double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                for (int u = 0; u < 11; u++)
                {
                    for (int v = 0; v < 11; v++)
                    {
                        double wt = win[u, v], x = a[i + u, j + v], y = b[i + u, j + v];
                        ma += wt * x;
                        mb += wt * y;
                        saa += wt * x * x;
                        sbb += wt * y * y;
                        sab += wt * x * y;
                    }
                }

                double va = saa - ma * ma, vb = sbb - mb * mb, cov = sab - ma * mb;
                sum += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                count++;
            }
        }

        return sum / count;
    }

    /// <summary>8-bit quantisation then MATLAB rgb2ycbcr Y (unrounded) of a CHW float array in [0,1].</summary>
    public static double[,] LumaOf(float[] chw, int h, int w)
    {
        var y = new double[h, w];
        for (int i = 0; i < h; i++)
        {
            for (int j = 0; j < w; j++)
            {
                double r = Q(chw[i * w + j]), g = Q(chw[h * w + i * w + j]), b = Q(chw[2 * h * w + i * w + j]);
                y[i, j] = (65.481 * r + 128.553 * g + 24.966 * b) / 255.0 + 16.0;
            }
        }

        return y;
    }

    /// <summary>Channel c of a CHW float array, quantised to 0–255.</summary>
    public static double[,] ChannelOf(float[] chw, int c, int h, int w)
    {
        var p = new double[h, w];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) p[i, j] = Q(chw[c * h * w + i * w + j]);
        return p;
    }

    private static double Q(float v) => Math.Round(Math.Clamp(v, 0f, 1f) * 255f, MidpointRounding.ToEven);
}
