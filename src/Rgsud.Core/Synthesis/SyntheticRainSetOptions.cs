using System.Globalization;

namespace Rgsud.Synthesis;

/// <summary>What <see cref="SyntheticRainSet.Write"/> generates: how many images of which size, and the rain on them.</summary>
public sealed record SyntheticRainSetOptions
{
    /// <summary>Image width in pixels (at least 96, so NIQE can score the images). Default 192.</summary>
    public int Width { get; init; } = 192;

    /// <summary>Image height in pixels (at least 96). Default 160.</summary>
    public int Height { get; init; } = 160;

    /// <summary>Rainy training images (scenes of their own). Default 24.</summary>
    public int TrainRainy { get; init; } = 24;

    /// <summary>Clean training images (other scenes than the rainy ones: the two sets are unpaired). Default 24.</summary>
    public int TrainClean { get; init; } = 24;

    /// <summary>Test pairs (rainy image and its clean ground truth; scenes not used for training). Default 8.</summary>
    public int TestPairs { get; init; } = 8;

    /// <summary>The rain. Its <see cref="RainStreakOptions.Seed"/> is replaced by one derived from <see cref="Seed"/>.</summary>
    public RainStreakOptions Rain { get; init; } = new();

    /// <summary>Seed of the scenes and the rain. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="RgsudException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Width < 96 || Height < 96 || Width > 8192 || Height > 8192)
            throw new RgsudException(string.Create(CultureInfo.InvariantCulture, $"SyntheticRainSetOptions: the size must be between 96 and 8192 pixels each way, got {Width}x{Height}"));
        if (TrainRainy < 1 || TrainClean < 1 || TestPairs < 1)
            throw new RgsudException(string.Create(CultureInfo.InvariantCulture, $"SyntheticRainSetOptions: TrainRainy, TrainClean and TestPairs must each be at least 1, got {TrainRainy}, {TrainClean}, {TestPairs}"));
        if (Rain is null) throw new RgsudException("SyntheticRainSetOptions.Rain must not be null");
        Rain.Validate();
    }
}
