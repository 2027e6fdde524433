using Rgsud.Imaging;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Imaging;

/// <summary>Images converted to 8 bits in several row strips (more than 2^20 pixels) round-trip exactly like small ones.</summary>
public sealed class ImageIOLargeImageTests
{
    [Fact]
    public void ToImage_of_a_multi_strip_image_quantises_every_row()
    {
        using var scope = NewDisposeScope();
        // 700 px wide: a strip holds 1497 rows, so 3100 rows are converted in three strips.
        var image = rand(new long[] { 1, 3, 3100, 700 }, generator: new Generator(5)) * 1.2 - 0.1;
        image[0, 1, 3099, 699] = float.NaN;
        using var eight = ImageIO.ToImage(image);
        var back = ImageIO.FromImage(eight);
        var expected = image.nan_to_num(0).clamp(0, 1).mul(255).round().div(255);
        Assert.True(back.eq(expected).all().item<bool>(), "every pixel is clamp, x255, round");
        Assert.Equal(0f, back[0, 1, 3099, 699].item<float>());
    }
}
