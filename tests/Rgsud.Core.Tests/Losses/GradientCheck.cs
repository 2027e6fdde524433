using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Losses;

/// <summary>
/// Compares autograd's gradient of a scalar function with central finite differences, in float64, at random
/// coordinates of the input. The relative error at a coordinate is |analytic − numeric| divided by the larger of
/// the two magnitudes, floored at 1e-3 of the largest gradient component (so coordinates whose gradient is ~0 are
/// judged on an absolute scale).
/// </summary>
internal static class GradientCheck
{
    public static double WorstRelativeError(Func<Tensor, Tensor> function, Tensor input, int points = 24, int seed = 7, double step = 1e-6)
    {
        using var scope = NewDisposeScope();
        var x0 = input.detach().to(float64).contiguous().clone();
        var x = x0.clone().requires_grad_(true);
        using (enable_grad())
        {
            var y = function(x);
            y.backward();
        }
        var grad = (x.grad ?? throw new InvalidOperationException("no gradient")).detach().contiguous().flatten();
        double floor = 1e-3 * grad.abs().max().item<double>() + 1e-300;
        var rng = new Random(seed);
        double worst = 0;
        using var noGrad = no_grad();
        for (int p = 0; p < points; p++)
        {
            long index = rng.NextInt64(x0.numel());
            var plus = x0.clone();
            plus.view(-1)[index].add_(step);
            var minus = x0.clone();
            minus.view(-1)[index].sub_(step);
            double numeric = (function(plus).item<double>() - function(minus).item<double>()) / (2 * step);
            double analytic = grad[index].item<double>();
            double rel = Math.Abs(analytic - numeric) / Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), floor);
            worst = Math.Max(worst, rel);
        }
        return worst;
    }

    /// <summary>Uniform random float64 values in [lo, hi) from a seeded generator.</summary>
    public static Tensor Random(long[] shape, int seed, double lo = 0, double hi = 1)
    {
        using var g = new Generator((ulong)seed);
        return torch.rand(shape, dtype: float64, generator: g) * (hi - lo) + lo;
    }
}
