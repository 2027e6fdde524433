using Rgsud.Synthesis;

namespace Rgsud.Core.Tests.Synthesis;

public sealed class ProceduralScenesTests
{
    [Fact]
    public void The_same_seed_gives_the_same_scene_and_other_seeds_other_scenes()
    {
        var a = ProceduralScenes.RenderPixels(120, 96, 42);
        Assert.Equal(a, ProceduralScenes.RenderPixels(120, 96, 42));
        Assert.NotEqual(a, ProceduralScenes.RenderPixels(120, 96, 43));
        using var t = ProceduralScenes.Render(120, 96, 42);
        Assert.Equal(new long[] { 1, 3, 96, 120 }, t.shape);
        Assert.Equal(a, t.data<float>().ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Scenes_are_structured_images_not_noise(long seed)
    {
        const int w = 160, h = 128;
        var p = ProceduralScenes.RenderPixels(w, h, seed);
        Assert.All(p, v => Assert.InRange(v, 0f, 1f));
        // Luma, its spread, and how much neighbouring pixels agree.
        var y = new double[w * h];
        for (int i = 0; i < w * h; i++) y[i] = 0.299 * p[i] + 0.587 * p[w * h + i] + 0.114 * p[2 * w * h + i];
        double mean = y.Average();
        double std = Math.Sqrt(y.Average(v => (v - mean) * (v - mean)));
        Assert.True(std > 0.08, $"seed {seed}: luma std {std:F3}: the scene has contrast");
        double covariance = 0;
        int n = 0;
        for (int r = 0; r < h; r++)
            for (int c = 0; c + 1 < w; c++, n++) covariance += (y[r * w + c] - mean) * (y[r * w + c + 1] - mean);
        double correlation = covariance / n / (std * std);
        Assert.True(correlation > 0.85, $"seed {seed}: neighbour correlation {correlation:F3} (noise would be near 0)");
        // Edges and texture: a good share of pixels has a visible horizontal or vertical step.
        int edges = 0;
        for (int r = 1; r < h; r++)
            for (int c = 1; c < w; c++)
                if (Math.Abs(y[r * w + c] - y[r * w + c - 1]) > 0.04 || Math.Abs(y[r * w + c] - y[(r - 1) * w + c]) > 0.04) edges++;
        Assert.InRange(edges / (double)(w * h), 0.02, 0.6);
    }

    [Fact]
    public void Sizes_below_the_minimum_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProceduralScenes.RenderPixels(8, 64, 0));
    }
}
