using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Runtime;

/// <summary>
/// The start-up self-check of shared/NUMERICS.md: the float32 input gradient of a 32→3, 3×3, padding-1
/// convolution (the shape of every derainer's last layer) against a float64 reference that does not use any
/// convolution kernel (shifted matrix products), in a given layout. A few milliseconds.
/// </summary>
public static class NumericsSelfCheck
{
    /// <summary>
    /// Runs the check <paramref name="repeats"/> times with fresh random inputs. <paramref name="convolution"/>
    /// replaces the convolution under test (x, w → y with padding 1); tests use it to prove that a wrong
    /// gradient is caught. The global random generator is not touched.
    /// </summary>
    public static SelfCheckResult Run(MemoryLayout layout, int repeats = 3, Func<Tensor, Tensor, Tensor>? convolution = null)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "must be at least 1");
        convolution ??= static (x, w) => nn.functional.conv2d(x, w, padding: [1, 1]);
        var sw = Stopwatch.StartNew();
        int failures = 0;
        double worst = 0;
        using var generator = new Generator(20260529);
        for (int r = 0; r < repeats; r++)
        {
            double rel = RelativeError(layout, convolution, generator);
            if (!IsWithinTolerance(rel)) failures++;
            worst = double.IsNaN(worst) || double.IsNaN(rel) ? double.NaN : Math.Max(worst, rel);
        }
        return new SelfCheckResult(layout, repeats, failures, worst, sw.Elapsed);
    }

    /// <summary>True only when <paramref name="relativeError"/> is below the tolerance (false for NaN).</summary>
    public static bool IsWithinTolerance(double relativeError) => relativeError < SelfCheckResult.Tolerance;

    private static double RelativeError(MemoryLayout layout, Func<Tensor, Tensor, Tensor> convolution, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var x = randn([2, 32, 16, 16], generator: generator);
        var w = randn([3, 32, 3, 3], generator: generator) * 0.1;
        var g = randn([2, 3, 16, 16], generator: generator);
        var xf = (layout == MemoryLayout.ChannelsLast ? TensorLayout.ToChannelsLast(x) : x.clone()).requires_grad_(true);
        var y = convolution(xf, w);
        y.backward([g]);
        var actual = xf.grad ?? throw new InvalidOperationException("the convolution produced no input gradient");
        var expected = ReferenceInputGradient(g.to(float64), w.to(float64));
        var maxDiff = (actual.to(float64) - expected).abs().max().item<double>();
        var maxRef = expected.abs().max().item<double>();
        return maxDiff / maxRef;
    }

    /// <summary>
    /// dL/dx of a 3×3, stride-1, padding-1 convolution: dx[n,c,i,j] = Σ_o Σ_{a,b} g[n,o,i+1−a,j+1−b] w[o,c,a,b],
    /// computed as nine shifted matrix products in float64 (no convolution kernel involved).
    /// </summary>
    private static Tensor ReferenceInputGradient(Tensor g, Tensor w)
    {
        long h = g.shape[2], wd = g.shape[3];
        var padded = nn.functional.pad(g, [1, 1, 1, 1]);
        Tensor? sum = null;
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                var shifted = padded[.., .., (2 - a)..(2 - a + (int)h), (2 - b)..(2 - b + (int)wd)];
                var tap = w[.., .., a, b]; // [O, C]
                var term = einsum("nohw,oc->nchw", shifted, tap);
                sum = sum is null ? term : sum + term;
            }
        }
        return sum!;
    }
}
