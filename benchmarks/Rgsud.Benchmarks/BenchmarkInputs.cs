using Rgsud.Runtime;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>Deterministic inputs for the benchmarks: smooth, textured images (they compress and score like photographs, unlike noise).</summary>
internal static class BenchmarkInputs
{
    /// <summary>A <c>[n, 3, h, w]</c> image batch in [0, 1]: sinusoidal structure, an edge and mild noise, seeded.</summary>
    public static Tensor Images(int n, int height, int width, long seed = 0)
    {
        RgsudRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var y = arange(height, dtype: float32).reshape(1, 1, height, 1);
        var x = arange(width, dtype: float32).reshape(1, 1, 1, width);
        var phase = rand([n, 3, 1, 1], generator: generator) * 6.28f;
        var structure = 0.5f + 0.25f * sin(x / 23f + phase) * cos(y / 17f) + 0.1f * (x > width / 2f).to(float32);
        var noise = 0.03f * randn([n, 3, height, width], generator: generator);
        return (structure + noise).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="clean"/> with bright, slanted streaks added (a cheap stand-in for rain).</summary>
    public static Tensor Rainy(Tensor clean, long seed = 1)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var (h, w) = (clean.shape[2], clean.shape[3]);
        var y = arange(h, dtype: float32).reshape(1, 1, h, 1);
        var x = arange(w, dtype: float32).reshape(1, 1, 1, w);
        var offset = rand([clean.shape[0], 1, 1, 1], generator: generator) * 7f;
        var streaks = (remainder(x + 0.3f * y + offset, 7f) < 1f).to(float32) * 0.35f;
        return (clean + streaks).clamp(0, 1).MoveToOuterDisposeScope();
    }
}
