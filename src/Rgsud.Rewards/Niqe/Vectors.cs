using System.Numerics;
using System.Runtime.InteropServices;

namespace Rgsud.Rewards.Niqe;

/// <summary>Small SIMD helpers for float64 spans.</summary>
internal static class Vectors
{
    /// <summary>y += a · x, element by element (same length).</summary>
    public static void MultiplyAdd(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = y.Length;
        int k = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var av = new Vector<double>(a);
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x[..n]);
            var yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int v = 0; v < yv.Length; v++) yv[v] += av * xv[v];
            k = yv.Length * Vector<double>.Count;
        }
        for (; k < n; k++) y[k] += a * x[k];
    }
}
