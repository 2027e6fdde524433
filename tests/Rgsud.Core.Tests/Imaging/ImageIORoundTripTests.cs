using Rgsud.Imaging;
using Rgsud.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;
using TorchSharp;
using static TorchSharp.torch;

using Rgsud.Testing;

namespace Rgsud.Core.Tests.Imaging;

public sealed class ImageIORoundTripTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void WritePng_then_Read_gives_identical_8bit_values()
    {
        const int h = 13, w = 17;
        var hwc = TestImages.RandomHwc(h, w, seed: 1);
        using var t = TestImages.TensorFromHwc(hwc, h, w);
        var path = dir.File("rt.png");
        ImageIO.WritePng(t, path);
        using var back = ImageIO.Read(path);
        Assert.Equal(new long[] { 1, 3, h, w }, back.shape);
        Assert.Equal(ScalarType.Float32, back.dtype);
        Assert.Equal(DeviceType.CPU, back.device_type);
        Assert.True(back.is_contiguous());
        Assert.Equal(hwc, TestImages.Hwc(back));
        // v/255 in, v/255 out: bit-identical floats.
        Assert.Equal(TestImages.Values(t), TestImages.Values(back));
    }

    [Fact]
    public void Grayscale_png_is_expanded_to_three_equal_channels()
    {
        var path = dir.File("gray.png");
        using (var img = new Image<L8>(5, 4))
        {
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 5; x++) img[x, y] = new L8((byte)(y * 50 + x * 7));
            img.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        }

        using var t = ImageIO.Read(path);
        Assert.Equal(new long[] { 1, 3, 4, 5 }, t.shape);
        var hwc = TestImages.Hwc(t);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                int i = (y * 5 + x) * 3;
                byte expected = (byte)(y * 50 + x * 7);
                Assert.Equal(expected, hwc[i]);
                Assert.Equal(expected, hwc[i + 1]);
                Assert.Equal(expected, hwc[i + 2]);
            }
        }
    }

    [Fact]
    public void Gray_alpha_png_drops_alpha_without_compositing()
    {
        var path = dir.File("gray-alpha.png");
        using (var img = new Image<La16>(4, 2))
        {
            for (int x = 0; x < 4; x++)
            {
                img[x, 0] = new La16((byte)(60 * x + 10), 0);
                img[x, 1] = new La16((byte)(60 * x + 20), (byte)(85 * x));
            }

            img.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha, BitDepth = PngBitDepth.Bit8 });
        }

        Assert.Equal(4, File.ReadAllBytes(path)[25]); // IHDR colour type 4 = gray + alpha
        using var t = ImageIO.Read(path);
        var hwc = TestImages.Hwc(t);
        for (int x = 0; x < 4; x++)
        {
            Assert.Equal((byte)(60 * x + 10), hwc[x * 3]);
            Assert.Equal((byte)(60 * x + 10), hwc[x * 3 + 2]);
            Assert.Equal((byte)(60 * x + 20), hwc[(4 + x) * 3 + 1]);
        }
    }

    [Fact]
    public void Rgba_png_drops_alpha_without_compositing()
    {
        var path = dir.File("rgba.png");
        var colors = new[] { new Rgba32(200, 100, 50, 0), new Rgba32(10, 20, 30, 128), new Rgba32(255, 0, 255, 255) };
        using (var img = new Image<Rgba32>(3, 1))
        {
            for (int x = 0; x < 3; x++) img[x, 0] = colors[x];
            img.SaveAsPng(path, new PngEncoder
            {
                ColorType = PngColorType.RgbWithAlpha,
                BitDepth = PngBitDepth.Bit8,
                TransparentColorMode = PngTransparentColorMode.Preserve,
            });
        }

        Assert.Equal(6, File.ReadAllBytes(path)[25]); // IHDR colour type 6 = RGBA
        using var t = ImageIO.Read(path);
        Assert.Equal(new long[] { 1, 3, 1, 3 }, t.shape);
        Assert.Equal(new byte[] { 200, 100, 50, 10, 20, 30, 255, 0, 255 }, TestImages.Hwc(t));
    }

    [Fact]
    public void Palette_png_reads_exact_colours()
    {
        var path = dir.File("palette.png");
        var palette = new Color[] { Color.FromRgb(1, 2, 3), Color.FromRgb(250, 128, 7), Color.FromRgb(90, 200, 45) };
        using (var img = new Image<Rgb24>(6, 3))
        {
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 6; x++) img[x, y] = palette[(x + y) % 3].ToPixel<Rgb24>();
            img.SaveAsPng(path, new PngEncoder
            {
                ColorType = PngColorType.Palette,
                BitDepth = PngBitDepth.Bit8,
                Quantizer = new PaletteQuantizer(palette, new QuantizerOptions { Dither = null }),
            });
        }

        Assert.Equal(3, File.ReadAllBytes(path)[25]); // IHDR colour type 3 = palette
        using var t = ImageIO.Read(path);
        var hwc = TestImages.Hwc(t);
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                var p = palette[(x + y) % 3].ToPixel<Rgb24>();
                int i = (y * 6 + x) * 3;
                Assert.Equal(new[] { p.R, p.G, p.B }, hwc[i..(i + 3)]);
            }
        }
    }

    [Fact]
    public void Sixteen_bit_png_keeps_full_precision()
    {
        var path = dir.File("deep.png");
        var values = new ushort[] { 0, 1000, 40000, 65535, 12345, 257 };
        using (var img = new Image<Rgb48>(2, 1))
        {
            img[0, 0] = new Rgb48(values[0], values[1], values[2]);
            img[1, 0] = new Rgb48(values[3], values[4], values[5]);
            img.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 });
        }

        Assert.Equal(16, File.ReadAllBytes(path)[24]); // IHDR bit depth
        Assert.Equal(48, ImageIO.Identify(path).BitsPerPixel);
        using var t = ImageIO.Read(path);
        var v = TestImages.Values(t); // NCHW: R(x0), R(x1), G(x0), G(x1), B(x0), B(x1)
        var expected = new[] { values[0], values[3], values[1], values[4], values[2], values[5] };
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i] / 65535f, v[i]);
        // 1000/65535 lies between 8-bit levels 3 and 4: it was not squeezed through 8 bits.
        Assert.NotEqual(MathF.Round(v[2] * 255) / 255f, v[2]);
    }

    [Fact]
    public void Bmp_round_trip_is_exact()
    {
        const int h = 7, w = 9;
        var hwc = TestImages.RandomHwc(h, w, seed: 2);
        var path = dir.File("image.bmp");
        using (var img = Image.LoadPixelData<Rgb24>(hwc, w, h))
        {
            img.SaveAsBmp(path, new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });
        }

        using var t = ImageIO.Read(path);
        Assert.Equal(hwc, TestImages.Hwc(t));
        Assert.Equal("BMP", ImageIO.Identify(path).Format);
    }

    [Fact]
    public void Webp_lossless_round_trip_is_exact()
    {
        const int h = 11, w = 15;
        var hwc = TestImages.RandomHwc(h, w, seed: 3);
        var path = dir.File("image.webp");
        using (var img = Image.LoadPixelData<Rgb24>(hwc, w, h))
        {
            img.SaveAsWebp(path, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        }

        using var t = ImageIO.Read(path);
        Assert.Equal(hwc, TestImages.Hwc(t));
        var info = ImageIO.Identify(path);
        Assert.Equal(new ImageInfo(w, h, "WEBP", info.BitsPerPixel), info);
    }

    [Fact]
    public void Jpeg_exif_orientation_6_is_applied()
    {
        // Stored 40 wide x 24 high: left half red, right half blue. Orientation 6 = rotate 90° clockwise to
        // display, so the displayed image is 24 wide x 40 high with red on top and blue below.
        var path = dir.File("rotated.jpg");
        using (var img = new Image<Rgb24>(40, 24))
        {
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 40; x++) img[x, y] = x < 20 ? new Rgb24(255, 0, 0) : new Rgb24(0, 0, 255);
            img.Metadata.ExifProfile = new ExifProfile();
            img.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
            img.SaveAsJpeg(path, new JpegEncoder { Quality = 95 });
        }

        var info = ImageIO.Identify(path);
        Assert.Equal(new ImageInfo(24, 40, "JPEG", info.BitsPerPixel), info);
        using var t = ImageIO.Read(path);
        Assert.Equal(new long[] { 1, 3, 40, 24 }, t.shape);
        var hwc = TestImages.Hwc(t);
        int top = (5 * 24 + 12) * 3, bottom = (35 * 24 + 12) * 3;
        Assert.True(hwc[top] > 200 && hwc[top + 2] < 50, $"top pixel should be red, got {hwc[top]},{hwc[top + 1]},{hwc[top + 2]}");
        Assert.True(hwc[bottom] < 50 && hwc[bottom + 2] > 200, $"bottom pixel should be blue, got {hwc[bottom]},{hwc[bottom + 1]},{hwc[bottom + 2]}");
    }

    [Fact]
    public void WritePng_accepts_channels_last_3d_float64_and_strided_inputs()
    {
        const int h = 6, w = 10;
        var hwc = TestImages.RandomHwc(h, w, seed: 4);
        using var t = TestImages.TensorFromHwc(hwc, h, w);

        using var channelsLast = TensorLayout.ToChannelsLast(t);
        Assert.True(TensorLayout.IsChannelsLast(channelsLast));
        Assert.False(channelsLast.is_contiguous());
        ImageIO.WritePng(channelsLast, dir.File("cl.png"));
        using (var back = ImageIO.Read(dir.File("cl.png"))) Assert.Equal(hwc, TestImages.Hwc(back));

        using var chw = t[0].to_type(ScalarType.Float64);
        ImageIO.WritePng(chw, dir.File("f64.png"));
        using (var back = ImageIO.Read(dir.File("f64.png"))) Assert.Equal(hwc, TestImages.Hwc(back));

        // A strided view: every second column of a wider image.
        using var wide = torch.cat([t, t], dim: 3);
        using var strided = wide[.., .., .., TensorIndex.Slice(0, null, 2)];
        ImageIO.WritePng(strided, dir.File("strided.png"));
        using var expected = t.index_select(3, torch.tensor(new long[] { 0, 2, 4, 6, 8, 0, 2, 4, 6, 8 }));
        using (var back = ImageIO.Read(dir.File("strided.png"))) Assert.Equal(TestImages.Hwc(expected), TestImages.Hwc(back));
    }

    [Fact]
    public void WritePng_clamps_rounds_and_maps_nan_to_zero()
    {
        using var t = torch.tensor(new float[] { -0.5f, 1.5f, float.NaN, 0.3f / 255, 0.7f / 255, 254.49f / 255 }, new long[] { 3, 1, 2 });
        var path = dir.File("clamp.png");
        ImageIO.WritePng(t, path);
        using var back = ImageIO.Read(path);
        // NCHW order: R = (-0.5, 1.5), G = (NaN, 0.3/255), B = (0.7/255, 254.49/255)
        Assert.Equal(new float[] { 0, 1, 0, 0, 1 / 255f, 254 / 255f }, TestImages.Values(back));
    }

    [Fact]
    public void WritePng_creates_directories_replaces_files_and_leaves_no_temporary_file()
    {
        var nested = Path.Combine(dir.Path, "a", "b");
        var path = Path.Combine(nested, "out.png");
        using var first = torch.zeros(1, 3, 4, 4);
        using var second = torch.ones(1, 3, 4, 4);
        ImageIO.WritePng(first, path);
        ImageIO.WritePng(second, path);
        using var back = ImageIO.Read(path);
        Assert.All(TestImages.Values(back), v => Assert.Equal(1f, v));
        Assert.Equal(new[] { "out.png" }, Directory.GetFiles(nested).Select(Path.GetFileName));
    }

    [Fact]
    public void WritePng_rejects_wrong_shapes_and_integer_tensors()
    {
        using var gray = torch.zeros(1, 1, 4, 4);
        using var batch = torch.zeros(2, 3, 4, 4);
        using var bytes = torch.zeros(new long[] { 3, 4, 4 }, ScalarType.Byte);
        Assert.Throws<ArgumentException>(() => ImageIO.WritePng(gray, dir.File("x.png")));
        Assert.Throws<ArgumentException>(() => ImageIO.WritePng(batch, dir.File("x.png")));
        Assert.Throws<ArgumentException>(() => ImageIO.WritePng(bytes, dir.File("x.png")));
        Assert.False(File.Exists(dir.File("x.png")));
    }

    [Fact]
    public void FromImage_and_ToImage_round_trip()
    {
        const int h = 5, w = 8;
        var hwc = TestImages.RandomHwc(h, w, seed: 5);
        using var img = Image.LoadPixelData<Rgb24>(hwc, w, h);
        using var t = ImageIO.FromImage(img);
        Assert.Equal(new long[] { 1, 3, h, w }, t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        using var expected = TestImages.TensorFromHwc(hwc, h, w);
        Assert.Equal(TestImages.Values(expected), TestImages.Values(t));
        using var again = ImageIO.ToImage(t);
        var copy = new byte[hwc.Length];
        again.CopyPixelDataTo(copy);
        Assert.Equal(hwc, copy);
    }

    [Fact]
    public void Read_from_a_non_seekable_stream()
    {
        const int h = 4, w = 6;
        var hwc = TestImages.RandomHwc(h, w, seed: 6);
        using var ms = new MemoryStream();
        using (var img = Image.LoadPixelData<Rgb24>(hwc, w, h)) img.SaveAsPng(ms);
        using var forwardOnly = new ForwardOnlyStream(ms.ToArray());
        using var t = ImageIO.Read(forwardOnly, "upload.png");
        Assert.Equal(hwc, TestImages.Hwc(t));
    }

    [Fact]
    public void Enabled_gif_and_tiff_read_when_asked_for()
    {
        const int h = 3, w = 4;
        var hwc = TestImages.RandomHwc(h, w, seed: 7);
        using (var img = Image.LoadPixelData<Rgb24>(hwc, w, h))
        {
            img.SaveAsTiff(dir.File("a.tiff"));
            img.SaveAsGif(dir.File("b.gif"));
        }

        var options = new ImageReadOptions { EnabledFormats = ImageFormats.Default | ImageFormats.Tiff | ImageFormats.Gif };
        using var tiff = ImageIO.Read(dir.File("a.tiff"), options);
        Assert.Equal(hwc, TestImages.Hwc(tiff));
        using var gif = ImageIO.Read(dir.File("b.gif"), options);
        Assert.Equal(new long[] { 1, 3, h, w }, gif.shape);
        Assert.Equal("GIF", ImageIO.Identify(dir.File("b.gif"), options).Format);
    }

    [Fact]
    public void ListImages_filters_by_extension_and_sorts_ordinally()
    {
        foreach (var name in new[] { "b.jpg", "A.PNG", "c.txt", "d.gif", "e.TIFF", "f.webp", "g.Jpeg", "h.bmp", "a.png" })
            File.WriteAllBytes(dir.File(name), [1]);
        Directory.CreateDirectory(dir.File("sub.png"));
        File.WriteAllBytes(Path.Combine(dir.File("sub.png"), "inner.png"), [1]);

        var names = ImageIO.ListImages(dir.Path).Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "A.PNG", "a.png", "b.jpg", "f.webp", "g.Jpeg", "h.bmp" }, names);
        Assert.All(ImageIO.ListImages(dir.Path), p => Assert.Equal(dir.Path, Path.GetDirectoryName(p)));

        var gifTiff = ImageIO.ListImages(dir.Path, ImageFormats.Gif | ImageFormats.Tiff).Select(Path.GetFileName);
        Assert.Equal(new[] { "d.gif", "e.TIFF" }, gifTiff);
        Assert.Empty(ImageIO.ListImages(dir.Path, ImageFormats.None));
    }

    [Fact]
    public void ListImages_of_a_missing_directory_throws_RgsudFileException()
    {
        var missing = dir.File("nope");
        var e = Assert.Throws<RgsudFileException>(() => ImageIO.ListImages(missing));
        Assert.Equal(missing, e.FilePath);
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }
}
