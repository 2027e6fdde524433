using Rgsud.Rewards.Niqe;

namespace Rgsud.Rewards.Tests.Niqe;

public sealed class NiqeNumericsTests
{
    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(5.0, 24.0)]
    [InlineData(0.5, 1.7724538509055160273)]
    [InlineData(0.1, 9.5135076986687318397)]
    [InlineData(1.5, 0.88622692545275801365)]
    [InlineData(15.0, 87178291200.0)]
    [InlineData(2.5, 1.3293403881791370205)]
    public void Gamma_MatchesKnownValues(double x, double expected) =>
        Assert.True(Math.Abs(SpecialFunctions.Gamma(x) / expected - 1) < 1e-13, $"Γ({x}) = {SpecialFunctions.Gamma(x):R}, expected {expected:R}");

    [Fact]
    public void Gamma_AtPoles_IsNaN()
    {
        Assert.True(double.IsNaN(SpecialFunctions.Gamma(0)));
        Assert.True(double.IsNaN(SpecialFunctions.Gamma(-2)));
    }

    [Fact]
    public void AggdNearest_EqualsTheLinearArgmin()
    {
        var rng = new Random(3);
        for (int i = 0; i < 2000; i++)
        {
            double x = rng.NextDouble() * 0.9 - 0.05;
            Assert.Equal(AggdAccumulator.NearestLinear(x), AggdAccumulator.Nearest(x));
        }
        Assert.Equal(0, AggdAccumulator.Nearest(-1));
        Assert.Equal(9800, AggdAccumulator.Nearest(5));
    }

    [Fact]
    public void PseudoInverse_OfASymmetricMatrix_SatisfiesPenroseConditions()
    {
        var rng = new Random(5);
        int n = 12;
        // A rank-8 PSD matrix: B·Bᵀ with B 12×8.
        var b = new double[n, 8];
        for (int i = 0; i < n; i++) for (int k = 0; k < 8; k++) b[i, k] = rng.NextDouble() - 0.5;
        var a = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int k = 0; k < 8; k++) a[i, j] += b[i, k] * b[j, k];
        var p = SymmetricEigen.PseudoInverse(a);
        var apa = Mul(Mul(a, p), a);
        var pap = Mul(Mul(p, a), p);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(a[i, j], apa[i, j], 1e-10);
                Assert.Equal(p[i, j], pap[i, j], 1e-8);
                Assert.Equal(p[i, j], p[j, i], 1e-10);
            }

        // The quadratic form agrees with dᵀ·pinv·d.
        var d = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
        double direct = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) direct += d[i] * p[i, j] * d[j];
        Assert.Equal(direct, SymmetricEigen.PseudoInverseQuadraticForm(a, d), 1e-8);
    }

    [Fact]
    public void Eigen_ReconstructsTheMatrix()
    {
        var rng = new Random(9);
        int n = 36;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i, j] = a[j, i] = rng.NextDouble() - 0.5;
        SymmetricEigen.Decompose(a, out var values, out var v);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double r = 0;
                for (int k = 0; k < n; k++) r += v[i, k] * values[k] * v[j, k];
                Assert.Equal(a[i, j], r, 1e-12);
            }
    }

    [Fact]
    public void StandardWindow_IsSeparableAndNormalised()
    {
        var w = NiqeModel.StandardGaussianWindow();
        double sum = 0;
        foreach (var x in w) sum += x;
        Assert.Equal(1.0, sum, 1e-15);
        var flat = new double[49];
        for (int i = 0; i < 7; i++) for (int j = 0; j < 7; j++) flat[i * 7 + j] = w[i, j];
        Assert.NotNull(NiqeFeatures.Separate(flat));
        flat[0] += 1e-3;
        Assert.Null(NiqeFeatures.Separate(flat));
    }

    [Fact]
    public void Mscn_SeparableAndDirectPaths_Agree()
    {
        var rng = new Random(2);
        int h = 40, w = 50;
        var img = Enumerable.Range(0, h * w).Select(_ => Math.Round(rng.NextDouble() * 255)).ToArray();
        var window = new double[49];
        var std = NiqeModel.StandardGaussianWindow();
        for (int i = 0; i < 7; i++) for (int j = 0; j < 7; j++) window[i * 7 + j] = std[i, j];
        var sep = new float[h * w];
        NiqeFeatures.Mscn(img, h, w, window, sep, null);
        // A tiny asymmetric perturbation forces the direct 2-D path.
        var perturbed = (double[])window.Clone();
        perturbed[0] *= 1 + 1e-9;
        var direct = new float[h * w];
        NiqeFeatures.Mscn(img, h, w, perturbed, direct, null);
        for (int k = 0; k < sep.Length; k++) Assert.Equal(sep[k], direct[k], 1e-4f);
    }

    private static double[,] Mul(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = b.GetLength(1), k = a.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                for (int t = 0; t < k; t++) c[i, j] += a[i, t] * b[t, j];
        return c;
    }
}
