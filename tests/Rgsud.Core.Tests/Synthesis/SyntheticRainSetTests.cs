using Rgsud.Imaging;
using Rgsud.Metrics;
using Rgsud.Synthesis;
using Rgsud.Testing;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Synthesis;

public sealed class SyntheticRainSetTests
{
    [Fact]
    public void Writes_unpaired_training_folders_and_a_paired_test_set()
    {
        using var dir = new TempDirectory();
        var options = new SyntheticRainSetOptions { Width = 112, Height = 96, TrainRainy = 3, TrainClean = 2, TestPairs = 2, Seed = 4 };
        var paths = SyntheticRainSet.Write(dir.Path, options);

        Assert.Equal(["rain-001.png", "rain-002.png", "rain-003.png"], ImageIO.ListImages(paths.TrainRainy).Select(Path.GetFileName));
        Assert.Equal(["norain-004.png", "norain-005.png"], ImageIO.ListImages(paths.TrainClean).Select(Path.GetFileName));
        Assert.Equal(["rain-006.png", "rain-007.png"], ImageIO.ListImages(paths.TestRainy).Select(Path.GetFileName));
        Assert.Equal(["norain-006.png", "norain-007.png"], ImageIO.ListImages(paths.TestClean).Select(Path.GetFileName));

        using var scope = NewDisposeScope();
        var rainy = ImageIO.Read(Path.Combine(paths.TestRainy, "rain-006.png"));
        var clean = ImageIO.Read(Path.Combine(paths.TestClean, "norain-006.png"));
        Assert.Equal(new long[] { 1, 3, 96, 112 }, rainy.shape);
        double psnr = ImageQuality.Psnr(rainy, clean);
        Assert.InRange(psnr, 15, 40); // the same scene, with rain on it
        Assert.True(rainy.ge(clean - 1.5 / 255).all().item<bool>(), "rain only brightens (screen blend)");
        // The rainy training scenes are not the clean training scenes (unpaired).
        var other = ImageIO.Read(Path.Combine(paths.TrainClean, "norain-004.png"));
        var train = ImageIO.Read(Path.Combine(paths.TrainRainy, "rain-001.png"));
        Assert.True(ImageQuality.Psnr(train, other) < 20);

        // Deterministic: a second write gives the same bytes.
        using var again = new TempDirectory();
        var second = SyntheticRainSet.Write(again.Path, options);
        Assert.Equal(File.ReadAllBytes(Path.Combine(paths.TestRainy, "rain-007.png")), File.ReadAllBytes(Path.Combine(second.TestRainy, "rain-007.png")));
    }

    [Fact]
    public void Too_small_images_are_refused_with_the_reason()
    {
        var e = Assert.Throws<RgsudException>(() => SyntheticRainSet.Write("unused", new SyntheticRainSetOptions { Width = 64 }));
        Assert.Contains("between 96 and 8192", e.Message, StringComparison.Ordinal);
    }
}
