using Rgsud.Synthesis;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Synthesis;

public sealed class RainStreakRendererTests
{
    private static float[] Layer(RainStreakOptions options, int h = 96, int w = 128, long index = 0) =>
        new RainStreakRenderer(options).RenderLayerPixels(h, w, index);

    [Fact]
    public void Same_seed_gives_the_same_layer_and_other_seeds_or_indices_do_not()
    {
        var options = new RainStreakOptions { Seed = 7 };
        Assert.Equal(Layer(options), Layer(options));
        Assert.NotEqual(Layer(options), Layer(options with { Seed = 8 }));
        Assert.NotEqual(Layer(options), Layer(options, index: 1));
        using var t = new RainStreakRenderer(options).RenderLayer(96, 128);
        Assert.Equal(new long[] { 1, 1, 96, 128 }, t.shape);
        Assert.Equal(Layer(options), t.data<float>().ToArray());
    }

    [Fact]
    public void Values_stay_in_the_unit_range_and_zero_density_renders_nothing()
    {
        var heavy = Layer(new RainStreakOptions { Density = 200, Opacity = 1, OpacityJitter = 0, Width = 3, Blur = 1 });
        Assert.All(heavy, v => Assert.InRange(v, 0f, 1f));
        Assert.True(heavy.Max() > 0.9f);
        Assert.All(Layer(new RainStreakOptions { Density = 0 }), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void More_density_gives_more_rain_pixels()
    {
        static int RainPixels(double density) => Layer(new RainStreakOptions { Density = density, Seed = 3 }, 128, 128).Count(v => v > 0.1f);
        int low = RainPixels(2), mid = RainPixels(8), high = RainPixels(32);
        Assert.True(low > 0, "some rain at density 2");
        Assert.True(mid > 2 * low, $"density 2 -> {low} rain pixels, 8 -> {mid}");
        Assert.True(high > 2 * mid, $"density 8 -> {mid} rain pixels, 32 -> {high}");
    }

    [Fact]
    public void Opacity_length_and_width_scale_the_rain_and_blur_spreads_it()
    {
        var o = new RainStreakOptions { Seed = 5, Density = 10 };
        Assert.True(Layer(o with { Opacity = 0.9 }).Average() > 1.5 * Layer(o with { Opacity = 0.4 }).Average());
        Assert.True(Layer(o with { Length = 30 }).Average() > 1.5 * Layer(o with { Length = 10 }).Average());
        Assert.True(Layer(o with { Width = 3 }).Average() > 1.5 * Layer(o with { Width = 1 }).Average());
        var sharp = Layer(o with { Blur = 0 });
        var blurred = Layer(o with { Blur = 2 });
        Assert.True(blurred.Max() < sharp.Max(), "blur lowers the peaks");
        Assert.True(blurred.Count(v => v > 0.01f) > sharp.Count(v => v > 0.01f), "blur widens the streaks");
    }

    /// <summary>
    /// The streaks' direction from the structure tensor of the layer: gradients are perpendicular to the streaks,
    /// so the streak angle from the vertical is the gradient orientation's angle from the horizontal.
    /// </summary>
    private static double DominantAngleDegrees(float[] layer, int h, int w)
    {
        double sxx = 0, syy = 0, sxy = 0;
        for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++)
        {
            double gx = (layer[y * w + x + 1] - layer[y * w + x - 1]) / 2;
            double gy = (layer[(y + 1) * w + x] - layer[(y - 1) * w + x]) / 2;
            sxx += gx * gx;
            syy += gy * gy;
            sxy += gx * gy;
        }
        // Orientation of the dominant gradient, from the x axis (y pointing down).
        double gradient = 0.5 * Math.Atan2(2 * sxy, sxx - syy);
        // A streak along (sin a, cos a) has gradients along (cos a, -sin a): gradient angle = -a.
        return -gradient * 180 / Math.PI;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-35)]
    [InlineData(60)]
    public void The_angle_sets_the_dominant_orientation(double angle)
    {
        // Wide, blurred streaks: central differences are accurate only well below the grid's frequency limit.
        var layer = Layer(new RainStreakOptions { AngleDegrees = angle, AngleJitterDegrees = 2, Density = 6, Length = 40, Width = 3, Blur = 1.5, Seed = 11 }, 160, 160);
        double measured = DominantAngleDegrees(layer, 160, 160);
        Assert.InRange(measured, angle - 6, angle + 6);
    }

    [Fact]
    public void Apply_screens_rain_onto_each_image_of_a_batch_with_its_own_layer()
    {
        using var scope = NewDisposeScope();
        var clean = full(new long[] { 2, 3, 64, 80 }, 0.4f);
        var renderer = new RainStreakRenderer(new RainStreakOptions { Density = 20, Seed = 2 });
        var rainy = renderer.Apply(clean);
        Assert.Equal(clean.shape, rainy.shape);
        Assert.True(rainy.ge(clean - 1e-6f).all().item<bool>(), "screen blending only brightens");
        Assert.True(rainy.le(1).all().item<bool>());
        Assert.False(rainy[0].eq(rainy[1]).all().item<bool>(), "each image gets its own rain");
        // The first image's rain is the layer of index 0, composited by the documented screen formula.
        var layer = renderer.RenderLayer(64, 80, 0);
        var expected = 1 - (1 - clean[0]) * (1 - layer[0]);
        Assert.True(rainy[0].allclose(expected, rtol: 0, atol: 1e-6));
        var single = renderer.Apply(clean[1], firstIndex: 1);
        Assert.True(single.allclose(rainy[1], rtol: 0, atol: 0));
    }

    [Fact]
    public void Additive_blend_adds_and_clamps()
    {
        using var scope = NewDisposeScope();
        var image = full(new long[] { 1, 3, 4, 4 }, 0.7f);
        var layer = full(new long[] { 1, 1, 4, 4 }, 0.5f);
        Assert.True(RainStreakRenderer.Composite(image, layer, RainBlend.Additive).eq(1f).all().item<bool>());
        Assert.True(RainStreakRenderer.Composite(image, layer, RainBlend.Screen).allclose(full(new long[] { 1, 3, 4, 4 }, 0.85f), rtol: 0, atol: 1e-6));
    }

    [Theory]
    [InlineData("Density", -1)]
    [InlineData("AngleDegrees", 120)]
    [InlineData("Length", 0)]
    [InlineData("Width", 0)]
    [InlineData("Opacity", 1.5)]
    [InlineData("Blur", double.NaN)]
    public void Invalid_options_name_the_option(string name, double value)
    {
        var o = new RainStreakOptions();
        o = name switch
        {
            "Density" => o with { Density = value },
            "AngleDegrees" => o with { AngleDegrees = value },
            "Length" => o with { Length = value },
            "Width" => o with { Width = value },
            "Opacity" => o with { Opacity = value },
            _ => o with { Blur = value },
        };
        var e = Assert.Throws<RgsudException>(() => new RainStreakRenderer(o));
        Assert.StartsWith($"RainStreakOptions.{name} must be", e.Message, StringComparison.Ordinal);
    }
}
