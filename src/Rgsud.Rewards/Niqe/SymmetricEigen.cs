namespace Rgsud.Rewards.Niqe;

/// <summary>
/// Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (float64), and the Moore–Penrose
/// pseudo-inverse built from it with MATLAB's default tolerance <c>max(size(A)) · eps · max|λ|</c>.
/// </summary>
internal static class SymmetricEigen
{
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Decomposes <paramref name="matrix"/> (symmetric, n×n; only read) as V·diag(λ)·Vᵀ. Column k of
    /// <paramref name="vectors"/> is the unit eigenvector of <paramref name="values"/>[k].
    /// </summary>
    public static void Decompose(double[,] matrix, out double[] values, out double[,] vectors)
    {
        int n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n) throw new ArgumentException("the matrix must be square", nameof(matrix));
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1.0;

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int p = 0; p < n; p++)
            {
                diag += a[p, p] * a[p, p];
                for (int q = p + 1; q < n; q++) off += a[p, q] * a[p, q];
            }
            if (off == 0 || off <= 1e-32 * diag) break;

            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p, q];
                    if (apq == 0) continue;
                    double app = a[p, p], aqq = a[q, q];
                    double tau = (aqq - app) / (2.0 * apq);
                    double t = (tau >= 0 ? 1.0 : -1.0) / (Math.Abs(tau) + Math.Sqrt(1.0 + tau * tau));
                    double c = 1.0 / Math.Sqrt(1.0 + t * t);
                    double s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    a[p, q] = 0;
                    a[q, p] = 0;
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
            }
        }

        values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i, i];
        vectors = v;
    }

    /// <summary>The pseudo-inverse of a symmetric matrix (eigenvalues below MATLAB's pinv tolerance are dropped).</summary>
    public static double[,] PseudoInverse(double[,] matrix)
    {
        Decompose(matrix, out var values, out var vectors);
        int n = values.Length;
        double tol = Tolerance(values);
        var result = new double[n, n];
        for (int k = 0; k < n; k++)
        {
            if (!(Math.Abs(values[k]) > tol)) continue;
            double inv = 1.0 / values[k];
            for (int i = 0; i < n; i++)
            {
                double vi = vectors[i, k] * inv;
                for (int j = 0; j < n; j++) result[i, j] += vi * vectors[j, k];
            }
        }
        return result;
    }

    /// <summary>dᵀ·pinv(A)·d for a symmetric A, without forming the pseudo-inverse.</summary>
    public static double PseudoInverseQuadraticForm(double[,] matrix, double[] d)
    {
        Decompose(matrix, out var values, out var vectors);
        int n = values.Length;
        double tol = Tolerance(values);
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            if (!(Math.Abs(values[k]) > tol)) continue;
            double proj = 0;
            for (int i = 0; i < n; i++) proj += vectors[i, k] * d[i];
            sum += proj * proj / values[k];
        }
        return sum;
    }

    private static double Tolerance(double[] values)
    {
        double max = 0;
        foreach (var x in values) max = Math.Max(max, Math.Abs(x));
        return values.Length * max * MachineEpsilon;
    }
}
