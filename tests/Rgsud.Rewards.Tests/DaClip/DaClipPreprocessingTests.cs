using Rgsud.Rewards.DaClip;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.DaClip;

public sealed class DaClipPreprocessingTests
{
    [Theory]
    [InlineData(321, 481, 224, 335, 0, 56)]   // Rain100L landscape: int(224·481/321) = 335, left = round(55.5) = 56
    [InlineData(481, 321, 335, 224, 56, 0)]
    [InlineData(224, 224, 224, 224, 0, 0)]
    [InlineData(100, 100, 224, 224, 0, 0)]    // upscaled
    [InlineData(224, 225, 224, 225, 0, 0)]    // round(0.5) = 0 (half to even, as Python)
    [InlineData(224, 227, 224, 227, 0, 2)]    // round(1.5) = 2
    public void CenterCrop_Geometry_FollowsTorchvision(int h, int w, int rh, int rw, int top, int left)
    {
        Assert.Equal((rh, rw), DaClipPreprocessing.ResizedSize(h, w, DaClipPreprocess.CenterCrop));
        Assert.Equal((top, left), DaClipPreprocessing.CropOrigin(rh, rw));
        Assert.Equal((224, 224), DaClipPreprocessing.ResizedSize(h, w, DaClipPreprocess.Resize224));
    }

    [Theory]
    [InlineData(DaClipPreprocess.CenterCrop)]
    [InlineData(DaClipPreprocess.Resize224)]
    public void BothModes_Give224Inputs_NormalisedWithClipConstants(DaClipPreprocess mode)
    {
        using var scope = NewDisposeScope();
        var image = full(new long[] { 2, 3, 321, 481 }, 0.3, ScalarType.Float64);
        var x = DaClipPreprocessing.Apply(image, mode);
        Assert.Equal([2L, 3L, 224L, 224L], x.shape);
        Assert.Equal(ScalarType.Float32, x.dtype);
        double[] mean = [0.48145466, 0.4578275, 0.40821073], std = [0.26862954, 0.26130258, 0.27577711];
        for (int c = 0; c < 3; c++)
        {
            var plane = x[.., c];
            double expected = (0.3 - mean[c]) / std[c];
            Assert.InRange(plane.min().item<float>(), expected - 1e-5, expected + 1e-5);
            Assert.InRange(plane.max().item<float>(), expected - 1e-5, expected + 1e-5);
        }
    }

    [Fact]
    public void CenterCrop_DropsTheBorders_Resize224_KeepsThem()
    {
        using var scope = NewDisposeScope();
        // A dark 321×481 image with a bright strip in its left 40 columns: after the 335-wide resize the strip (and the
        // kernel's reach around it) ends near column 31, before the crop's first column 56.
        var image = zeros(1, 3, 321, 481);
        image.narrow(3, 0, 40).fill_(1);
        var cropped = DaClipPreprocessing.Apply(image, DaClipPreprocess.CenterCrop);
        var resized = DaClipPreprocessing.Apply(image, DaClipPreprocess.Resize224);
        double dark = (0 - 0.48145466) / 0.26862954, bright = (1 - 0.48145466) / 0.26862954;
        Assert.Equal(dark, cropped[0, 0].max().item<float>(), 5);
        Assert.Equal(bright, resized[0, 0, .., 0].min().item<float>(), 5);
        Assert.Equal(dark, resized[0, 0, .., 223].max().item<float>(), 5);

        // The crop is the middle of the resized image.
        var manual = nn.functional.interpolate(image, size: [224, 335], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true)
            .clamp(0, 1).narrow(3, 56, 224);
        Assert.True(cropped[0, 0].allclose((manual[0, 0] - 0.48145466) / 0.26862954, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Apply_ClampsOutOfRangeValues_AndRejectsNonBatches()
    {
        using var scope = NewDisposeScope();
        var over = full(new long[] { 1, 3, 224, 224 }, 1.5f);
        var x = DaClipPreprocessing.Apply(over);
        Assert.Equal((1 - 0.48145466) / 0.26862954, x[0, 0].max().item<float>(), 5);
        Assert.Throws<ArgumentException>(() => DaClipPreprocessing.Apply(zeros(3, 224, 224)));
        Assert.Throws<ArgumentException>(() => DaClipPreprocessing.Apply(zeros(new long[] { 1, 3, 8, 8 }, ScalarType.Int32)));
    }
}
