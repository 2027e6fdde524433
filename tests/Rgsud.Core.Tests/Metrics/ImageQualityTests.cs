using Rgsud.Metrics;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Metrics;

public sealed class ImageQualityTests
{
    private static Tensor Uniform(int level, int h = 16, int w = 20) => torch.full(new long[] { 1, 3, h, w }, level / 255f);

    private static Tensor Random(int h, int w, int seed)
    {
        var rng = new Random(seed);
        var data = new float[3 * h * w];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        return torch.tensor(data, new long[] { 1, 3, h, w });
    }

    [Fact]
    public void Identical_images_give_infinite_psnr_and_ssim_exactly_one()
    {
        using var a = Random(40, 50, seed: 1);
        using var b = a.clone();
        foreach (var ch in new[] { MetricChannel.Y, MetricChannel.Rgb })
        {
            Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(a, b, ch));
            Assert.Equal(1.0, ImageQuality.Ssim(a, b, ch));
        }
    }

    [Fact]
    public void One_gray_level_everywhere_in_rgb_gives_48_1308_db()
    {
        using var a = Uniform(100);
        using var b = Uniform(101);
        // MSE = 1: 10 log10(255²) = 48.1308 dB.
        Assert.Equal(48.1308, ImageQuality.Psnr(a, b, MetricChannel.Rgb), 4);
        Assert.Equal(20 * Math.Log10(255), ImageQuality.Psnr(a, b, MetricChannel.Rgb), 12);
        // In Y, +1 on R, G and B moves Y by (65.481 + 128.553 + 24.966) / 255 = 219/255.
        double expectedY = 10 * Math.Log10(255.0 * 255.0 / Math.Pow(219.0 / 255.0, 2));
        Assert.Equal(expectedY, ImageQuality.Psnr(a, b), 10);
        Assert.Equal(49.4527, ImageQuality.Psnr(a, b), 4);
    }

    [Fact]
    public void Psnr_quantises_to_8_bits_first()
    {
        using var a = Uniform(100);
        using var b = a.add(0.4f / 255); // still rounds to 100
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(a, b, MetricChannel.Rgb));
        using var c = a.add(0.6f / 255); // rounds to 101
        Assert.Equal(20 * Math.Log10(255), ImageQuality.Psnr(a, c, MetricChannel.Rgb), 10);
        using var over = torch.full(new long[] { 1, 3, 16, 20 }, 3f); // clamped to 255
        using var white = Uniform(255);
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(over, white, MetricChannel.Rgb));
    }

    [Fact]
    public void Crop_border_ignores_the_frame()
    {
        using var a = Random(30, 40, seed: 2);
        using var b = a.clone();
        b[.., .., TensorIndex.Slice(0, 3), ..] = torch.tensor(0f);
        b[.., .., .., TensorIndex.Slice(-2, null)] = torch.tensor(1f);
        Assert.True(double.IsFinite(ImageQuality.Psnr(a, b)));
        Assert.True(ImageQuality.Ssim(a, b) < 1);
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(a, b, cropBorder: 3));
        Assert.Equal(1.0, ImageQuality.Ssim(a, b, cropBorder: 3));
    }

    [Fact]
    public void Layout_dtype_and_batch_dimension_do_not_change_results()
    {
        using var a = Random(24, 31, seed: 3);
        using var b = Random(24, 31, seed: 4);
        double psnr = ImageQuality.Psnr(a, b), ssim = ImageQuality.Ssim(a, b, MetricChannel.Rgb);
        using var acl = TensorLayout.ToChannelsLast(a);
        using var b3 = b[0];
        using var b64 = b3.to_type(ScalarType.Float64);
        Assert.Equal(psnr, ImageQuality.Psnr(acl, b3));
        Assert.Equal(psnr, ImageQuality.Psnr(a, b64));
        Assert.Equal(ssim, ImageQuality.Ssim(acl, b64, MetricChannel.Rgb));
        Assert.Equal(ssim, ImageQuality.Ssim(b, a, MetricChannel.Rgb), 12); // symmetric
    }

    [Fact]
    public void Different_sizes_throw_naming_both_shapes()
    {
        using var a = torch.zeros(1, 3, 20, 30);
        using var b = torch.zeros(3, 21, 30);
        var e = Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(a, b));
        Assert.Contains("[1,3,20,30]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3,21,30]", e.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(a, b, MetricChannel.Rgb));
        Assert.Contains("[1,3,20,30]", e2.Message, StringComparison.Ordinal);
        Assert.Contains("[3,21,30]", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_shapes_and_crops_throw()
    {
        using var gray = torch.zeros(1, 1, 20, 20);
        using var ok = torch.zeros(1, 3, 20, 20);
        using var ints = torch.zeros(new long[] { 1, 3, 20, 20 }, ScalarType.Int32);
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(gray, gray));
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(ints, ok));
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(ok, ok, cropBorder: 5)); // 10x10 < 11x11
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(ok, ok, cropBorder: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageQuality.Psnr(ok, ok, cropBorder: -1));
        Assert.Equal(1.0, ImageQuality.Ssim(ok, ok, cropBorder: 4)); // 12x12 is enough
    }

    [Fact]
    public void Ssim_matches_a_naive_window_by_window_reference_on_random_images()
    {
        // Reference: NaiveSsim, a direct 11x11 double loop per output pixel (see its summary). No numpy/scipy was
        // available on the development machine, so the reference is this independent implementation.
        const int h = 23, w = 29;
        using var a = Random(h, w, seed: 5);
        using var noise = Random(h, w, seed: 6);
        using var b = a.mul(0.7).add(noise.mul(0.3));
        var av = a.contiguous().data<float>().ToArray();
        var bv = b.contiguous().data<float>().ToArray();

        double refY = NaiveSsim.Plane(NaiveSsim.LumaOf(av, h, w), NaiveSsim.LumaOf(bv, h, w));
        Assert.Equal(refY, ImageQuality.Ssim(a, b), 1e-10);

        double refRgb = 0;
        for (int c = 0; c < 3; c++) refRgb += NaiveSsim.Plane(NaiveSsim.ChannelOf(av, c, h, w), NaiveSsim.ChannelOf(bv, c, h, w));
        Assert.Equal(refRgb / 3, ImageQuality.Ssim(a, b, MetricChannel.Rgb), 1e-10);
        Assert.InRange(refRgb / 3, 0.3, 0.99); // a meaningful, not degenerate, value
    }

    [Fact]
    public void Ssim_of_an_image_and_its_inverse_is_low()
    {
        using var a = Random(32, 32, seed: 7);
        using var inv = torch.ones_like(a).sub(a);
        Assert.True(ImageQuality.Ssim(a, inv, MetricChannel.Rgb) < 0);
    }
}
