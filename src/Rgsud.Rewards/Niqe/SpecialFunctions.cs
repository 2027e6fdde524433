namespace Rgsud.Rewards.Niqe;

/// <summary>The gamma function (Lanczos approximation, g = 7, 9 terms; relative error about 1e-15).</summary>
internal static class SpecialFunctions
{
    private const double LanczosG = 7.0;

    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993,
        676.5203681218851,
        -1259.1392167224028,
        771.32342877765313,
        -176.61502916214059,
        12.507343278686905,
        -0.13857109526572012,
        9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>Γ(x) for real x (reflection formula below 0.5); NaN at the poles 0, −1, −2, ….</summary>
    public static double Gamma(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0.5)
        {
            if (x == Math.Floor(x)) return double.NaN;
            return Math.PI / (Math.Sin(Math.PI * x) * Gamma(1.0 - x));
        }

        x -= 1.0;
        double a = LanczosCoefficients[0];
        for (int i = 1; i < LanczosCoefficients.Length; i++) a += LanczosCoefficients[i] / (x + i);
        double t = x + LanczosG + 0.5;
        return Math.Sqrt(2.0 * Math.PI) * Math.Pow(t, x + 0.5) * Math.Exp(-t) * a;
    }
}
