using System.Globalization;

namespace Rgsud.Synthesis;

/// <summary>
/// Parameters of <see cref="RainStreakRenderer"/>: how many streaks, at which angle, how long, wide, opaque and
/// blurred, and the seed that makes a rendering reproducible. Lengths and widths are in pixels of the image the
/// rain is rendered for. The defaults give light rain, similar to Rain100L's, on images of a few hundred pixels.
/// </summary>
public sealed record RainStreakOptions
{
    /// <summary>Streaks per 10,000 pixels (a 100×100 area), on average; 0 renders no rain. Default 6.</summary>
    public double Density { get; init; } = 6;

    /// <summary>
    /// Mean angle of the streaks from the vertical, in degrees; positive angles lean the bottom of a streak to the
    /// right (wind from the left). Default 10.
    /// </summary>
    public double AngleDegrees { get; init; } = 10;

    /// <summary>Each streak's angle is drawn uniformly within ± this many degrees of <see cref="AngleDegrees"/>. Default 3.</summary>
    public double AngleJitterDegrees { get; init; } = 3;

    /// <summary>Mean streak length in pixels. Default 18.</summary>
    public double Length { get; init; } = 18;

    /// <summary>Each streak's length is drawn uniformly within ± this fraction of <see cref="Length"/>. Default 0.4.</summary>
    public double LengthJitter { get; init; } = 0.4;

    /// <summary>Streak width in pixels (anti-aliased: widths below 1 give fainter hairlines). Default 1.2.</summary>
    public double Width { get; init; } = 1.2;

    /// <summary>Mean peak intensity of a streak, in [0,1]. Default 0.6.</summary>
    public double Opacity { get; init; } = 0.6;

    /// <summary>Each streak's opacity is drawn uniformly within ± this fraction of <see cref="Opacity"/> (then clamped to [0,1]). Default 0.35.</summary>
    public double OpacityJitter { get; init; } = 0.35;

    /// <summary>Standard deviation, in pixels, of the Gaussian blur applied to the rain layer (0: none). Default 0.5.</summary>
    public double Blur { get; init; } = 0.5;

    /// <summary>How the layer is put on the image. Default <see cref="RainBlend.Screen"/>.</summary>
    public RainBlend Blend { get; init; } = RainBlend.Screen;

    /// <summary>The seed: the same options, seed and image size give the same rain, bit for bit. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="RgsudException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Check(Density >= 0 && Density <= 10_000, nameof(Density), Density, "in [0, 10000]");
        Check(Math.Abs(AngleDegrees) <= 90, nameof(AngleDegrees), AngleDegrees, "in [-90, 90]");
        Check(AngleJitterDegrees >= 0 && AngleJitterDegrees <= 90, nameof(AngleJitterDegrees), AngleJitterDegrees, "in [0, 90]");
        Check(Length >= 1 && Length <= 4096, nameof(Length), Length, "in [1, 4096]");
        Check(LengthJitter >= 0 && LengthJitter < 1, nameof(LengthJitter), LengthJitter, "in [0, 1)");
        Check(Width > 0 && Width <= 64, nameof(Width), Width, "in (0, 64]");
        Check(Opacity >= 0 && Opacity <= 1, nameof(Opacity), Opacity, "in [0, 1]");
        Check(OpacityJitter >= 0 && OpacityJitter <= 1, nameof(OpacityJitter), OpacityJitter, "in [0, 1]");
        Check(Blur >= 0 && Blur <= 32, nameof(Blur), Blur, "in [0, 32]");
        if (!Enum.IsDefined(Blend)) throw new RgsudException($"RainStreakOptions.Blend has the unknown value {(int)Blend}");
    }

    // Comparisons are false for NaN, so NaN fails every check.
    private static void Check(bool ok, string name, double value, string range)
    {
        if (!ok) throw new RgsudException(string.Create(CultureInfo.InvariantCulture, $"RainStreakOptions.{name} must be {range}, got {value}"));
    }
}
