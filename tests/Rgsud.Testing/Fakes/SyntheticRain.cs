using Rgsud.Synthesis;
using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>
/// Tiny synthetic unpaired data for tests: smooth random scenes (predictable for the strategy's mechanics tests; use
/// <see cref="ProceduralScenes"/> for structured ones) and rain from the library's own <see cref="RainStreakRenderer"/>.
/// Everything is drawn from the torch <see cref="Generator"/>, so a test's data is reproducible from its seed.
/// </summary>
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

    /// <summary>A structured procedural clean scene <c>[1,3,size,size]</c> in [0,1] (size at least 16).</summary>
    public static Tensor StructuredScene(Generator generator, int size) => ProceduralScenes.Render(size, size, NextSeed(generator));

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
