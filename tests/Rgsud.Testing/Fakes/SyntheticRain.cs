using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>Tiny synthetic unpaired data for tests: smooth random scenes and bright diagonal streaks.</summary>
public static class SyntheticRain
{
    /// <summary>A smooth random clean image <c>[1,3,size,size]</c> in [0,1].</summary>
    public static Tensor Scene(Generator generator, int size)
    {
        using var scope = NewDisposeScope();
        var low = rand([1, 3, 4, 4], generator: generator);
        var img = nn.functional.interpolate(low, [size, size], mode: InterpolationMode.Bilinear, align_corners: true);
        return (img * 0.7 + 0.15).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="clean"/> with random bright diagonal streaks added.</summary>
    public static Tensor AddRain(Tensor clean, Generator generator, int streaks = 12)
    {
        using var scope = NewDisposeScope();
        long h = clean.shape[2], w = clean.shape[3];
        var rain = zeros(1, 1, h, w);
        var starts = randint(0, (int)w, [streaks], generator: generator).data<long>().ToArray();
        var rows = randint(0, (int)h, [streaks], generator: generator).data<long>().ToArray();
        for (int s = 0; s < streaks; s++)
            for (long t = 0; t < h / 2; t++)
            {
                long y = (rows[s] + t) % h, x = (starts[s] + t / 3) % w;
                rain[0, 0, y, x] = 0.6f;
            }
        return (clean + rain).clamp(0, 1).MoveToOuterDisposeScope();
    }
}
