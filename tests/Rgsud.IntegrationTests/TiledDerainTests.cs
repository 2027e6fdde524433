using System.Globalization;
using Rgsud.Imaging;
using Rgsud.Inference;
using Rgsud.Networks;
using Rgsud.Networks.Derainers;
using Rgsud.Synthesis;
using Rgsud.Testing;
using Rgsud.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary>
/// Tiled inference against whole-image inference with real networks on a mid-size (300×260) image: the tiles
/// overlap and are blended, so the seams must not show. The bounds are stated in the assertions.
/// </summary>
public sealed class TiledDerainTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>128-pixel tiles: a 300×260 image is split into 3×3 overlapping tiles.</summary>
    private static readonly TilingOptions Tiled = new() { TileSize = 128, Overlap = 48, TileAbovePixels = 0 };

    private (double Max, double Mean) Compare(Derainer net, Tensor image, string what)
    {
        using var scope = NewDisposeScope();
        var whole = net.Derain(image, TilingOptions.Never);
        var tiled = net.Derain(image, Tiled);
        var diff = (whole - tiled).abs();
        double max = diff.max().item<float>(), mean = diff.mean().item<float>();
        // In 8-bit levels, as written to PNG.
        double levels = (whole.mul(255).round() - tiled.mul(255).round()).abs().max().item<float>();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: tiled (128 px tiles, 48 px overlap) vs whole on 300x260: max |diff| {max:E3}, mean {mean:E3}, max 8-bit difference {levels} levels"));
        return (max, mean);
    }

    [SharedDataFact]
    public void PReNet_with_Rain100L_weights_tiled_matches_whole()
    {
        using var net = Derainer.FromWeights("prenet", SharedData.Path("weights", "prenet6-rain100l.safetensors"));
        using var scope = NewDisposeScope();
        var image = ImageIO.Read(SharedData.Path("data", "rain100l", "dev", "rainy", "rain-061.webp"))[.., .., 0..260, 0..300];
        var (max, mean) = Compare(net, image, "PReNet (Rain100L weights)");
        // Measured: max 1.5e-3 (one 8-bit level at a few seam pixels), mean 5.5e-6. PReNet is purely local (receptive
        // radius ~78 px, more than the overlap), so the residue is the zero padding at tile borders, which the blend
        // drops (the outer quarter of the overlap gets weight 0).
        Assert.True(max < 3e-3, $"max |tiled - whole| = {max}");
        Assert.True(mean < 2e-5, $"mean |tiled - whole| = {mean}");
    }

    [Fact]
    public void Trained_size_NAFNet_tiled_stays_close_to_whole_on_a_synthetic_rainy_scene()
    {
        // A fresh nafnet-small (no shared data needed): its channel attention pools over the whole input, so tiles
        // cannot match exactly; the blend keeps the difference small and spread out.
        manual_seed(1);
        var weights = dir.File("nafnet-small.safetensors");
        using (var module = DerainerRegistry.Create("nafnet-small")) ModuleWeights.Save(module, weights);
        using var net = Derainer.FromWeights("nafnet-small", weights);
        using var scope = NewDisposeScope();
        var clean = ProceduralScenes.Render(300, 260, 5);
        var rainy = new RainStreakRenderer(new RainStreakOptions { Density = 15, Seed = 5 }).Apply(clean);
        var (max, mean) = Compare(net, rainy, "nafnet-small (random weights)");
        // Measured: max 9.7e-2, mean 5.0e-3. NAFNet's simplified channel attention averages each feature map over the
        // whole input, so every tile sees its own statistics: an honest bound, not a seam artefact (the overlap blends
        // the tiles' slightly different outputs smoothly).
        Assert.True(max < 0.12, $"max |tiled - whole| = {max}");
        Assert.True(mean < 8e-3, $"mean |tiled - whole| = {mean}");
    }

    [Fact]
    public void Derain_of_an_ImageSharp_image_matches_the_tensor_path()
    {
        using var net = new PReNetHolder();
        using var scope = NewDisposeScope();
        var tensor = ProceduralScenes.Render(64, 48, 2);
        using var image = ImageIO.ToImage(tensor);
        using var derained = net.Derainer.Derain(image);
        Assert.Equal(64, derained.Width);
        Assert.Equal(48, derained.Height);
        using var viaTensor = ImageIO.ToImage(net.Derainer.Derain(ImageIO.FromImage(image)));
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 64; x++)
                Assert.Equal(viaTensor[x, y], derained[x, y]);
    }

    /// <summary>A PReNet with fresh weights, saved and loaded through the public API.</summary>
    private sealed class PReNetHolder : IDisposable
    {
        private readonly TempDirectory folder = new();

        public PReNetHolder()
        {
            var path = folder.File("prenet.safetensors");
            using (var module = new PReNet()) ModuleWeights.Save(module, path);
            Derainer = Derainer.FromWeights("prenet", path);
        }

        public Derainer Derainer { get; }

        public void Dispose()
        {
            Derainer.Dispose();
            folder.Dispose();
        }
    }
}
