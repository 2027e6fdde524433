namespace Rgsud.Rewards.Niqe;

/// <summary>
/// Running sums for BasicSR's <c>estimate_aggd_param</c> (MATLAB's <c>estimateaggdparam</c>): the asymmetric
/// generalised Gaussian shape α is chosen from the grid γ = 0.2:0.001:10 by matching the moment ratio.
/// </summary>
internal struct AggdAccumulator
{
    private const int GridSize = 9801;

    private static readonly double[] GridAlpha = new double[GridSize];
    private static readonly double[] GridRatio = new double[GridSize];
    private static readonly double[] GridBetaFactor = new double[GridSize];
    private static readonly double[] GridMeanFactor = new double[GridSize];

    private static readonly bool GridIncreasing;

    private double sumSqNeg, sumSqPos, sumAbs;
    private long countNeg, countPos, count;

#pragma warning disable CA1810, CA1065 // the tables are filled once, in order
    static AggdAccumulator()
    {
        for (int k = 0; k < GridSize; k++)
        {
            double g = 0.2 + k * 0.001;
            double g1 = SpecialFunctions.Gamma(1 / g), g2 = SpecialFunctions.Gamma(2 / g), g3 = SpecialFunctions.Gamma(3 / g);
            GridAlpha[k] = g;
            GridRatio[k] = g2 * g2 / (g1 * g3);
            GridBetaFactor[k] = Math.Sqrt(g1 / g3);
            GridMeanFactor[k] = g2 / g1;
        }
        GridIncreasing = true;
        for (int k = 1; k < GridSize; k++) GridIncreasing &= GridRatio[k] > GridRatio[k - 1];
    }
#pragma warning restore CA1810, CA1065

    /// <summary>Adds one sample.</summary>
    public void Add(double v)
    {
        double sq = v * v;
        bool neg = v < 0, pos = v > 0;
        count++;
        sumSqNeg += neg ? sq : 0;
        countNeg += neg ? 1 : 0;
        sumSqPos += pos ? sq : 0;
        countPos += pos ? 1 : 0;
        sumAbs += Math.Abs(v);
    }

    /// <summary>
    /// (α, β_left, β_right, Γ(2/α)/Γ(1/α)). A side without samples makes its β NaN, and then α = 0.2 as numpy's
    /// <c>argmin</c> and MATLAB's <c>min</c> return the first index of an all-NaN array.
    /// </summary>
    public readonly (double Alpha, double BetaL, double BetaR, double MeanFactor) Fit()
    {
        double leftStd = Math.Sqrt(sumSqNeg / countNeg);
        double rightStd = Math.Sqrt(sumSqPos / countPos);
        double gammaHat = leftStd / rightStd;
        double meanAbs = sumAbs / count;
        double rHat = meanAbs * meanAbs / ((sumSqNeg + sumSqPos) / count);
        double g2 = gammaHat * gammaHat;
        double rHatNorm = rHat * (g2 * gammaHat + 1) * (gammaHat + 1) / ((g2 + 1) * (g2 + 1));
        int pos = double.IsNaN(rHatNorm) ? 0 : Nearest(rHatNorm);
        double f = GridBetaFactor[pos];
        return (GridAlpha[pos], leftStd * f, rightStd * f, GridMeanFactor[pos]);
    }

    /// <summary>
    /// numpy's <c>argmin((r_gam − x)²)</c>: the first index of the smallest squared difference. The ratio grid is
    /// strictly increasing (checked once), so the squared difference falls then rises and a bisection followed by
    /// a comparison of the two neighbours gives the same index as the linear scan (kept as the fallback).
    /// </summary>
    internal static int Nearest(double x)
    {
        if (!GridIncreasing) return NearestLinear(x);
        int lo = 0, hi = GridSize - 1;
        if (x <= GridRatio[0]) return FirstMinimumFrom(0, x);
        if (x >= GridRatio[hi]) return FirstMinimumFrom(hi, x);
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (GridRatio[mid] <= x) lo = mid; else hi = mid;
        }
        // Squared differences are monotone in |difference| under rounding; ties keep the lower index. Look one
        // step further each way in case rounding made neighbours equal.
        return FirstMinimumFrom(lo, x);
    }

    /// <summary>The linear scan of numpy's argmin (first minimum).</summary>
    internal static int NearestLinear(double x)
    {
        int pos = 0;
        double best = double.PositiveInfinity;
        for (int k = 0; k < GridSize; k++)
        {
            double d = GridRatio[k] - x;
            double d2 = d * d;
            if (d2 < best) { best = d2; pos = k; }
        }
        return pos;
    }

    private static int FirstMinimumFrom(int centre, double x)
    {
        int from = Math.Max(0, centre - 2), to = Math.Min(GridSize - 1, centre + 3);
        int pos = from;
        double best = double.PositiveInfinity;
        for (int k = from; k <= to; k++)
        {
            double d = GridRatio[k] - x;
            double d2 = d * d;
            if (d2 < best) { best = d2; pos = k; }
        }
        // Equal minima further left (a flat run) would be found first by the linear scan.
        while (pos > 0)
        {
            double d = GridRatio[pos - 1] - x;
            double d2 = d * d;
            if (d2 > best) break;
            best = d2;
            pos--;
        }
        return pos;
    }
}
