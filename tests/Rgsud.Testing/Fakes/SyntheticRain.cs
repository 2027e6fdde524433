using Rgsud.Synthesis;
using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>
/// Tiny synthetic unpaired data for tests, drawn with the library's own <see cref="ProceduralScenes"/> and
/// <see cref="RainStreakRenderer"/>; the torch <see cref="Generator"/> only picks the seeds, so a test's data is
/// reproducible from its generator's seed.
/// </summary>
public static class SyntheticRain
{
    /// <summary>A procedural clean scene <c>[1,3,size,size]</c> in [0,1] (size at least 16).</summary>
    public static Tensor Scene(Generator generator, int size) => ProceduralScenes.Render(size, size, NextSeed(generator));

    /// <summary>
    /// <paramref name="clean"/> with about <paramref name="streaks"/> bright streaks added (additive blend), each
    /// about half the image's height long, leaning about 18° from the vertical.
    /// </summary>
    public static Tensor AddRain(Tensor clean, Generator generator, int streaks = 12)
    {
        ArgumentNullException.ThrowIfNull(clean);
        long h = clean.shape[^2], w = clean.shape[^1];
        var options = new RainStreakOptions
        {
            Density = streaks * 10_000.0 / (h * w),
            AngleDegrees = 18,
            AngleJitterDegrees = 2,
            Length = Math.Max(2, h / 2.0),
            LengthJitter = 0.2,
            Width = 1,
            Opacity = 0.6,
            OpacityJitter = 0.1,
            Blur = 0,
            Blend = RainBlend.Additive,
            Seed = NextSeed(generator),
        };
        return new RainStreakRenderer(options).Apply(clean);
    }

    private static long NextSeed(Generator generator)
    {
        using var draw = randint(0, int.MaxValue, [1], generator: generator);
        return draw.item<long>();
    }
}
