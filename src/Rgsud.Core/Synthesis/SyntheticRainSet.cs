using Rgsud.Imaging;
using static TorchSharp.torch;

namespace Rgsud.Synthesis;

/// <summary>
/// Writes a complete synthetic deraining set from <see cref="ProceduralScenes"/> and <see cref="RainStreakRenderer"/>:
/// unpaired training folders (rainy scenes and clean scenes that are never the same) and a paired test set, as
/// PNG files named like Rain100L (<c>rain-NNN</c> / <c>norain-NNN</c>, paired by number). Deterministic by seed.
/// </summary>
public static class SyntheticRainSet
{
    /// <summary>
    /// Creates <c>train-rainy/</c>, <c>train-clean/</c>, <c>test-rainy/</c> and <c>test-clean/</c> under
    /// <paramref name="root"/> (existing files of the same names are replaced, each atomically).
    /// </summary>
    /// <exception cref="RgsudException">An option is out of range.</exception>
    /// <exception cref="RgsudImageException">A file could not be written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (the files written so far stay).</exception>
    public static SyntheticRainSetPaths Write(string root, SyntheticRainSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new SyntheticRainSetOptions();
        options.Validate();
        var paths = new SyntheticRainSetPaths(
            Path.Combine(root, "train-rainy"), Path.Combine(root, "train-clean"), Path.Combine(root, "test-rainy"), Path.Combine(root, "test-clean"));
        var renderer = new RainStreakRenderer(options.Rain with { Seed = unchecked(options.Seed * 7919 + 17) });

        // Scene numbers: rainy training 1..R, clean training R+1..R+C, test R+C+1..: no scene is on two sides.
        long sceneBase = unchecked(options.Seed * 1_000_003);
        int number = 0;
        for (int i = 0; i < options.TrainRainy; i++)
        {
            number++;
            WriteRainy(paths.TrainRainy, number, sceneBase, renderer, options, withClean: null, cancellationToken);
        }
        for (int i = 0; i < options.TrainClean; i++)
        {
            number++;
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            ImageIO.WritePng(ProceduralScenes.Render(options.Width, options.Height, sceneBase + number), Path.Combine(paths.TrainClean, Name("norain", number)));
        }
        for (int i = 0; i < options.TestPairs; i++)
        {
            number++;
            WriteRainy(paths.TestRainy, number, sceneBase, renderer, options, withClean: paths.TestClean, cancellationToken);
        }
        return paths;
    }

    private static void WriteRainy(string folder, int number, long sceneBase, RainStreakRenderer renderer, SyntheticRainSetOptions options,
        string? withClean, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        var clean = ProceduralScenes.Render(options.Width, options.Height, sceneBase + number);
        ImageIO.WritePng(renderer.Apply(clean, number), Path.Combine(folder, Name("rain", number)));
        if (withClean is not null) ImageIO.WritePng(clean, Path.Combine(withClean, Name("norain", number)));
    }

    private static string Name(string prefix, int number) => $"{prefix}-{number:D3}.png";
}
