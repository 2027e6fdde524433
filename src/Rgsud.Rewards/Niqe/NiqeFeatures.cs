namespace Rgsud.Rewards.Niqe;

/// <summary>
/// The NIQE feature pipeline on a luma plane (float64, 0–255), following the official MATLAB release and BasicSR's
/// port (<c>basicsr/metrics/niqe.py</c>): MSCN coefficients with a 7×7 Gaussian window and replicate borders,
/// 18 AGGD features per non-overlapping block at two scales (96×96 blocks, then 48×48 blocks on the image halved
/// by MATLAB's antialiased bicubic <c>imresize</c>), and the multivariate-Gaussian distance to a pristine model.
/// </summary>
internal static class NiqeFeatures
{
    /// <summary>The block size at the first scale.</summary>
    public const int BlockSize = 96;

    /// <summary>Features per block and scale.</summary>
    public const int FeaturesPerScale = 18;

    /// <summary>Features per block over both scales.</summary>
    public const int FeatureCount = 2 * FeaturesPerScale;

    /// <summary>The side of the Gaussian window.</summary>
    public const int WindowSize = 7;

    private static readonly (int Rows, int Cols)[] Shifts = [(0, 1), (1, 0), (1, 1), (1, -1)];

    /// <summary>
    /// NIQE of a luma plane (row-major, <paramref name="height"/> × <paramref name="width"/>, values 0–255). The
    /// plane is cropped from the top-left to whole 96×96 blocks. NaN when no block yields finite features.
    /// </summary>
    public static double Quality(ReadOnlySpan<double> luma, int height, int width, NiqeModel model)
    {
        var features = Extract(luma, height, width, model.WindowArray, null);
        return Distance(features, model.MeanArray, model.CovarianceArray);
    }

    /// <summary>
    /// The 36 features of every 96×96 block (rows ordered column of blocks by column of blocks, top to bottom, as
    /// BasicSR and MATLAB's <c>blkproc(...)(:)</c> do) and, when <paramref name="sharpness"/> is given, each block's
    /// mean local standard deviation σ at the first scale (MATLAB's sharpness for model fitting).
    /// </summary>
    public static double[][] Extract(ReadOnlySpan<double> luma, int height, int width, double[] window, List<double>? sharpness)
    {
        int nbh = height / BlockSize, nbw = width / BlockSize;
        if (nbh < 1 || nbw < 1)
            throw new RgsudException($"NIQE needs an image of at least {BlockSize}x{BlockSize} pixels (one {BlockSize}x{BlockSize} block), got {width}x{height} (width x height)");
        int h = nbh * BlockSize, w = nbw * BlockSize;
        var img = new double[h * w];
        for (int i = 0; i < h; i++) luma.Slice(i * width, w).CopyTo(img.AsSpan(i * w, w));

        var rows = new double[nbh * nbw][];
        for (int k = 0; k < rows.Length; k++) rows[k] = new double[FeatureCount];

        var mscn = new float[h * w];
        var sigma = new float[h * w];
        Mscn(img, h, w, window, mscn, sigma);
        BlockFeatures(mscn, w, nbh, nbw, BlockSize, rows, 0);
        if (sharpness is not null)
        {
            for (int bw = 0; bw < nbw; bw++)
                for (int bh = 0; bh < nbh; bh++)
                {
                    double sum = 0;
                    for (int i = 0; i < BlockSize; i++)
                    {
                        var line = sigma.AsSpan((bh * BlockSize + i) * w + bw * BlockSize, BlockSize);
                        foreach (var s in line) sum += s;
                    }
                    sharpness.Add(sum / (BlockSize * BlockSize));
                }
        }

        var half = MatlabImresize.Resize(img, h, w, 0.5, antialiasing: true, out int h2, out int w2);
        var mscn2 = new float[h2 * w2];
        Mscn(half, h2, w2, window, mscn2, null);
        BlockFeatures(mscn2, w2, nbh, nbw, BlockSize / 2, rows, FeaturesPerScale);
        return rows;
    }

    /// <summary>
    /// NIQE's distance: <c>sqrt((μp − μd) · pinv((Σp + Σd)/2) · (μp − μd)ᵀ)</c> with μd the NaN-ignoring mean of the
    /// block features and Σd their covariance over the blocks without NaN (MATLAB's <c>nanmean</c>/<c>nancov</c>;
    /// one complete block gives a zero covariance, none gives NaN).
    /// </summary>
    public static double Distance(double[][] features, double[] pristineMean, double[,] pristineCovariance)
    {
        int n = FeatureCount;
        var mean = NanMean(features);
        var cov = NanCovariance(features);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i, j] = (pristineCovariance[i, j] + cov[i, j]) / 2;
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = pristineMean[i] - mean[i];
        foreach (var x in d) if (!double.IsFinite(x)) return double.NaN;
        foreach (var x in a) if (!double.IsFinite(x)) return double.NaN;
        return Math.Sqrt(SymmetricEigen.PseudoInverseQuadraticForm(a, d));
    }

    /// <summary>Column means ignoring NaN (NaN for a column without finite values).</summary>
    public static double[] NanMean(IReadOnlyList<double[]> rows)
    {
        int n = FeatureCount;
        var sum = new double[n];
        var count = new int[n];
        foreach (var row in rows)
            for (int j = 0; j < n; j++)
                if (!double.IsNaN(row[j])) { sum[j] += row[j]; count[j]++; }
        for (int j = 0; j < n; j++) sum[j] = count[j] == 0 ? double.NaN : sum[j] / count[j];
        return sum;
    }

    /// <summary>
    /// Covariance (normalised by N − 1) of the rows without NaN; zeros for one such row, NaN for none.
    /// </summary>
    public static double[,] NanCovariance(IReadOnlyList<double[]> rows)
    {
        int n = FeatureCount;
        var complete = rows.Where(r => !r.Any(double.IsNaN)).ToList();
        var cov = new double[n, n];
        if (complete.Count == 0)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) cov[i, j] = double.NaN;
            return cov;
        }
        if (complete.Count == 1) return cov;
        var mean = new double[n];
        foreach (var r in complete)
            for (int j = 0; j < n; j++) mean[j] += r[j];
        for (int j = 0; j < n; j++) mean[j] /= complete.Count;
        var centred = new double[n];
        foreach (var r in complete)
        {
            for (int j = 0; j < n; j++) centred[j] = r[j] - mean[j];
            for (int i = 0; i < n; i++)
                for (int j = i; j < n; j++) cov[i, j] += centred[i] * centred[j];
        }
        double denom = complete.Count - 1;
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                cov[i, j] /= denom;
                cov[j, i] = cov[i, j];
            }
        return cov;
    }

    /// <summary>
    /// Mean-subtracted contrast-normalised coefficients: μ = w ∗ I and σ = sqrt(|w ∗ I² − μ²|) with replicate
    /// borders (scipy's <c>convolve(·, mode='nearest')</c>, MATLAB's <c>imfilter(·, 'replicate')</c>), and
    /// <c>(I − μ)/(σ + 1)</c>. The two convolutions are accumulated in float64 and rounded to float32, and σ and
    /// the coefficients (and, later, the products of neighbouring coefficients) are float32, as BasicSR (float32
    /// images through scipy) and MATLAB R2021a's <c>niqe</c> compute them: the cancellation in
    /// <c>w ∗ I² − μ²</c> makes the precision visible (baboon: 5.729574 in single precision, as MATLAB's
    /// 5.72957338; 5.729960 in double).
    /// </summary>
    public static void Mscn(double[] img, int h, int w, double[] window, float[] mscn, float[]? sigmaOut)
    {
        const int r = WindowSize / 2;
        int pw = w + 2 * r, ph = h + 2 * r;
        var pad = new double[ph * pw];
        for (int i = 0; i < ph; i++)
        {
            var src = img.AsSpan(Math.Clamp(i - r, 0, h - 1) * w, w);
            var dst = pad.AsSpan(i * pw, pw);
            dst[..r].Fill(src[0]);
            src.CopyTo(dst.Slice(r, w));
            dst[(r + w)..].Fill(src[w - 1]);
        }
        var sq = new double[pad.Length];
        for (int k = 0; k < pad.Length; k++) sq[k] = pad[k] * pad[k];

        // A convolution flips the kernel: out(i, j) = Σ w(a, b) · in(i + r − a, j + r − b).
        var flipped = new double[WindowSize * WindowSize];
        for (int a = 0; a < WindowSize; a++)
            for (int b = 0; b < WindowSize; b++)
                flipped[a * WindowSize + b] = window[(WindowSize - 1 - a) * WindowSize + (WindowSize - 1 - b)];

        var mu = new double[h * w];
        var ex2 = new double[h * w];
        if (Separate(flipped) is { } factors)
        {
            // A rank-one window (the Gaussian): rows, then columns (equal to the 2-D sum up to rounding).
            var (colKernel, rowKernel) = factors;
            var hm = new double[ph * w];
            var hs = new double[ph * w];
            for (int i = 0; i < ph; i++)
            {
                var dm = hm.AsSpan(i * w, w);
                var ds = hs.AsSpan(i * w, w);
                for (int b = 0; b < WindowSize; b++)
                {
                    Vectors.MultiplyAdd(rowKernel[b], pad.AsSpan(i * pw + b, w), dm);
                    Vectors.MultiplyAdd(rowKernel[b], sq.AsSpan(i * pw + b, w), ds);
                }
            }
            for (int i = 0; i < h; i++)
            {
                var dm = mu.AsSpan(i * w, w);
                var ds = ex2.AsSpan(i * w, w);
                for (int a = 0; a < WindowSize; a++)
                {
                    Vectors.MultiplyAdd(colKernel[a], hm.AsSpan((i + a) * w, w), dm);
                    Vectors.MultiplyAdd(colKernel[a], hs.AsSpan((i + a) * w, w), ds);
                }
            }
        }
        else
        {
            for (int i = 0; i < h; i++)
            {
                var dm = mu.AsSpan(i * w, w);
                var ds = ex2.AsSpan(i * w, w);
                for (int a = 0; a < WindowSize; a++)
                    for (int b = 0; b < WindowSize; b++)
                    {
                        double wt = flipped[a * WindowSize + b];
                        Vectors.MultiplyAdd(wt, pad.AsSpan((i + a) * pw + b, w), dm);
                        Vectors.MultiplyAdd(wt, sq.AsSpan((i + a) * pw + b, w), ds);
                    }
            }
        }

        for (int k = 0; k < mu.Length; k++)
        {
            // Single precision from here on, as MATLAB's niqe and BasicSR (float32 images) compute it.
            float m = (float)mu[k], e = (float)ex2[k], x = (float)img[k];
            float sigma = MathF.Sqrt(MathF.Abs(e - m * m));
            mscn[k] = (x - m) / (sigma + 1f);
            if (sigmaOut is not null) sigmaOut[k] = sigma;
        }
    }

    /// <summary>
    /// The column and row factors of a rank-one window (window[a, b] = col[a] · row[b] to 1e-15 relative), or
    /// null when the window is not separable.
    /// </summary>
    internal static (double[] Col, double[] Row)? Separate(double[] window)
    {
        const int n = WindowSize;
        var col = new double[n];
        var row = new double[n];
        double total = 0, max = 0;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                double v = window[a * n + b];
                col[a] += v;
                row[b] += v;
                total += v;
                max = Math.Max(max, Math.Abs(v));
            }
        if (!(Math.Abs(total) > 0)) return null;
        for (int b = 0; b < n; b++) row[b] /= total;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                if (Math.Abs(col[a] * row[b] - window[a * n + b]) > 1e-15 * max) return null;
        return (col, row);
    }

    private static void BlockFeatures(float[] mscn, int stride, int nbh, int nbw, int bs, double[][] rows, int offset)
    {
        int k = 0;
        for (int bw = 0; bw < nbw; bw++)
            for (int bh = 0; bh < nbh; bh++, k++)
                ComputeFeature(mscn.AsSpan(bh * bs * stride + bw * bs), stride, bs, rows[k].AsSpan(offset, FeaturesPerScale));
    }

    /// <summary>BasicSR's <c>compute_feature</c> on the <paramref name="bs"/>×<paramref name="bs"/> block at the start of <paramref name="block"/>.</summary>
    private static void ComputeFeature(ReadOnlySpan<float> block, int stride, int bs, Span<double> feat)
    {
        var acc = default(AggdAccumulator);
        for (int i = 0; i < bs; i++)
        {
            var line = block.Slice(i * stride, bs);
            foreach (var v in line) acc.Add(v);
        }
        var (alpha, betaL, betaR, _) = acc.Fit();
        feat[0] = alpha;
        feat[1] = (betaL + betaR) / 2;

        for (int s = 0; s < Shifts.Length; s++)
        {
            // np.roll(block, (dr, dc), axis=(0, 1)): shifted[i, j] = block[(i − dr) mod bs, (j − dc) mod bs].
            var (dr, dc) = Shifts[s];
            var pair = default(AggdAccumulator);
            for (int i = 0; i < bs; i++)
            {
                var line = block.Slice(i * stride, bs);
                var up = block.Slice(((i - dr + bs) % bs) * stride, bs);
                switch (dc)
                {
                    case 0:
                        for (int j = 0; j < bs; j++) pair.Add(line[j] * up[j]);
                        break;
                    case 1:
                        pair.Add(line[0] * up[bs - 1]);
                        for (int j = 1; j < bs; j++) pair.Add(line[j] * up[j - 1]);
                        break;
                    default:
                        for (int j = 0; j < bs - 1; j++) pair.Add(line[j] * up[j + 1]);
                        pair.Add(line[bs - 1] * up[0]);
                        break;
                }
            }
            var (a, bl, br, meanFactor) = pair.Fit();
            feat[2 + 4 * s] = a;
            feat[3 + 4 * s] = (br - bl) * meanFactor;
            feat[4 + 4 * s] = bl;
            feat[5 + 4 * s] = br;
        }
    }
}
