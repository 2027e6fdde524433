using Rgsud.Imaging;
using Rgsud.Testing;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests;

/// <summary>Shared images for the tests (read from ../shared only by tests marked [SharedDataFact]).</summary>
internal static class TestImages
{
    public static string NiqeModelPath => SharedData.Path("niqe", "niqe_pris_params.npz");

    public static string Rain100L(params string[] parts) => SharedData.Path(["data", "rain100l", .. parts]);

    /// <summary>The dev pairs (rain-NNN ↔ norain-NNN): (id, rainy path, clean path).</summary>
    public static IReadOnlyList<(string Id, string Rainy, string Clean)> DevPairs()
    {
        var rainy = ImageIO.ListImages(Rain100L("dev", "rainy"));
        var pairs = new List<(string, string, string)>();
        foreach (var r in rainy)
        {
            var id = Path.GetFileNameWithoutExtension(r)["rain-".Length..];
            var clean = Path.Combine(Rain100L("dev", "clean"), $"norain-{id}{Path.GetExtension(r)}");
            Assert.True(File.Exists(clean), $"missing dev pair for {r}");
            pairs.Add((id, r, clean));
        }
        return pairs;
    }

    /// <summary>A deterministic smooth-plus-texture test image [1,3,h,w] in [0,1].</summary>
    public static Tensor Synthetic(int h, int w, int seed = 1)
    {
        var data = new float[3 * h * w];
        var rng = new Random(seed);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    double v = 0.5 + 0.3 * Math.Sin(i * 0.07 + c) * Math.Cos(j * 0.05) + 0.1 * (rng.NextDouble() - 0.5);
                    data[(c * h + i) * w + j] = (float)Math.Clamp(v, 0, 1);
                }
        return tensor(data, new long[] { 1, 3, h, w });
    }
}
