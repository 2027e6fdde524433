using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;
using Rgsud.Testing;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Imaging;

/// <summary>
/// The bad-input corpus of issue 8, generated here (nothing is downloaded): every input with the outcome
/// <see cref="ImageIO"/> must give. <see cref="BadInputCorpusTests"/> asserts each one and renders the table of
/// docs/reliability.md from this list.
/// </summary>
internal static class BadInputCorpus
{
    public const string NonAsciiName = "naïve rain 雨 01.png";

    public static IReadOnlyList<CorpusCase> Cases { get; } =
    [
        new("zero-byte", "zero-byte file `empty.png`", d => Write(d, "empty.png", []), "empty file (0 bytes)", null, null),
        new("missing", "path that does not exist", d => d.File("missing.png"), "file not found", null, null),
        new("truncated-png", "PNG cut at half its length", d => Truncate(d, "cut.png", img => img.SaveAsPng(d.File("cut.png")), 0.5),
            "truncated or corrupt image data: the PNG chunk", null, null),
        new("truncated-jpeg", "JPEG cut at half its length", d => Truncate(d, "cut.jpg", img => img.SaveAsJpeg(d.File("cut.jpg")), 0.5),
            "truncated or corrupt image data: the JPEG data ends", null, null),
        new("corrupt-png", "PNG with a damaged pixel chunk (zlib data and CRC)", CorruptPng, "truncated or corrupt image data: ", null, null),
        new("text-as-png", "text file named `notes.png`", d => Write(d, "notes.png", "this is not an image, only some text\n"u8.ToArray()),
            "not a recognised image (unknown format)", null, null),
        new("bomb", "PNG header claiming 100 000 × 100 000 pixels (decompression bomb)", d => Write(d, "bomb.png", TestImages.HeaderOnlyPng(100_000, 100_000)),
            "image is 100000x100000 = 10000000000 pixels, over the limit of 64000000 (ImageReadOptions.MaxPixels)", null, null),
        new("1x1", "1 × 1 PNG", d => Save(d, "one.png", new Image<Rgb24>(1, 1) { [0, 0] = new Rgb24(10, 20, 30) }),
            null, "`[1,3,1,1]` exactly (too small for a crop: see the dataset table)",
            t => { Assert.Equal(new long[] { 1, 3, 1, 1 }, t.shape); Assert.Equal(new byte[] { 10, 20, 30 }, TestImages.Hwc(t)); }),
        new("7x5", "7 × 5 PNG (smaller than an 11 × 11 SSIM window or a 96 × 96 NIQE block)", d => Save(d, "small.png", Image.LoadPixelData<Rgb24>(TestImages.RandomHwc(5, 7, 4), 7, 5)),
            null, "`[1,3,5,7]` exactly (eval and NIQE then refuse it by name)",
            t => { Assert.Equal(new long[] { 1, 3, 5, 7 }, t.shape); Assert.Equal(TestImages.RandomHwc(5, 7, 4), TestImages.Hwc(t)); }),
        new("16-bit", "16-bit RGB PNG", Deep, null, "float32 v/65535: full 16-bit precision kept (the dataset then stores 8 bits)",
            t => Assert.Equal(new[] { 1000 / 65535f, 65535 / 65535f, 40000 / 65535f }, TestImages.Values(t))),
        new("gray", "8-bit grayscale PNG", Gray, null, "three equal channels",
            t => Assert.Equal(new byte[] { 77, 77, 77, 200, 200, 200 }, TestImages.Hwc(t))),
        new("gray-alpha", "grayscale + alpha PNG", GrayAlpha, null, "alpha dropped without compositing, three equal channels",
            t => Assert.Equal(new byte[] { 90, 90, 90, 180, 180, 180 }, TestImages.Hwc(t))),
        new("palette", "palette (indexed) PNG", Palette, null, "exact palette colours",
            t => Assert.Equal(new byte[] { 250, 128, 7, 90, 200, 45 }, TestImages.Hwc(t))),
        new("cmyk", "CMYK JPEG (Adobe, 4 components)", d => Write(d, "cmyk.jpg", CmykJpeg.Create(16, 8, 255, 128, 0, 255)), null,
            "RGB by ImageSharp's Adobe CMYK rule R = C·K/255, G = M·K/255, B = Y·K/255",
            t => { Assert.Equal(new long[] { 1, 3, 8, 16 }, t.shape); Assert.All(Pixels(t), p => Assert.Equal(new byte[] { 255, 128, 0 }, p)); }),
        new("exif-rotated", "JPEG with EXIF orientation 6, stored 40 × 24", Rotated, null, "rotation applied: 24 wide × 40 high, stored left half on top",
            t =>
            {
                Assert.Equal(new long[] { 1, 3, 40, 24 }, t.shape);
                var hwc = TestImages.Hwc(t);
                int top = (5 * 24 + 12) * 3;
                Assert.True(hwc[top] > 200 && hwc[top + 2] < 50, "the top must be red");
            }),
        new("gif-off", "GIF (format off by default)", d => Save(d, "anim.gif", new Image<Rgb24>(4, 4)), "format GIF is not enabled (ImageReadOptions.EnabledFormats)", null, null),
        new("tiff-off", "TIFF (format off by default)", d => Save(d, "scan.tiff", new Image<Rgb24>(4, 4)), "format TIFF is not enabled (ImageReadOptions.EnabledFormats)", null, null),
        new("directory", "directory named `x.png`", d => Directory.CreateDirectory(d.File("x.png")).FullName, "is a directory", null, null),
        new("symlink-loop", "symbolic link loop `loop.png` → `loop.png`", d =>
        {
            var p = d.File("loop.png");
            File.CreateSymbolicLink(p, p);
            return p;
        }, "cannot open: ", null, null),
        new("dangling-link", "symbolic link to a missing file", d =>
        {
            var p = d.File("dangling.png");
            File.CreateSymbolicLink(p, d.File("nowhere.png"));
            return p;
        }, "file not found", null, null),
        new("non-ascii-name", $"valid PNG named `{NonAsciiName}`", d => Save(d, NonAsciiName, new Image<Rgb24>(3, 2) { [2, 1] = new Rgb24(1, 2, 3) }),
            null, "as any PNG; the name is kept verbatim", t => Assert.Equal(new long[] { 1, 3, 2, 3 }, t.shape)),
        new("non-ascii-bad", "text file named `bad file 雨.png`", d => Write(d, "bad file 雨.png", "not an image at all, just text"u8.ToArray()),
            "not a recognised image (unknown format)", null, null),
    ];

    /// <summary>The case with id <paramref name="id"/>.</summary>
    public static CorpusCase Get(string id) => Cases.Single(c => c.Id == id);

    private static string Write(TempDirectory d, string name, byte[] bytes)
    {
        var path = d.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Save(TempDirectory d, string name, Image image)
    {
        using (image) image.Save(d.File(name));
        return d.File(name);
    }

    private static string Truncate(TempDirectory d, string name, Action<Image<Rgb24>> save, double keep)
    {
        using (var img = Image.LoadPixelData<Rgb24>(TestImages.RandomHwc(96, 96, 11), 96, 96)) save(img);
        var path = d.File(name);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        return path;
    }

    private static string CorruptPng(TempDirectory d)
    {
        var path = d.File("crc.png");
        using (var img = Image.LoadPixelData<Rgb24>(TestImages.RandomHwc(32, 32, 12), 32, 32)) img.SaveAsPng(path);
        var bytes = File.ReadAllBytes(path);
        int idat = bytes.AsSpan().IndexOf("IDAT"u8);
        for (int i = idat + 10; i < idat + 60; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Deep(TempDirectory d)
    {
        var path = d.File("deep.png");
        using var img = new Image<Rgb48>(1, 1) { [0, 0] = new Rgb48(1000, 65535, 40000) };
        img.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 });
        return path;
    }

    private static string Gray(TempDirectory d)
    {
        var path = d.File("gray.png");
        using var img = new Image<L8>(2, 1) { [0, 0] = new L8(77), [1, 0] = new L8(200) };
        img.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        return path;
    }

    private static string GrayAlpha(TempDirectory d)
    {
        var path = d.File("gray-alpha.png");
        using var img = new Image<La16>(2, 1) { [0, 0] = new La16(90, 0), [1, 0] = new La16(180, 128) };
        img.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha, BitDepth = PngBitDepth.Bit8 });
        return path;
    }

    private static string Palette(TempDirectory d)
    {
        var path = d.File("palette.png");
        var palette = new Color[] { Color.FromRgb(250, 128, 7), Color.FromRgb(90, 200, 45) };
        using var img = new Image<Rgb24>(2, 1) { [0, 0] = new Rgb24(250, 128, 7), [1, 0] = new Rgb24(90, 200, 45) };
        img.SaveAsPng(path, new PngEncoder
        {
            ColorType = PngColorType.Palette,
            BitDepth = PngBitDepth.Bit8,
            Quantizer = new PaletteQuantizer(palette, new QuantizerOptions { Dither = null }),
        });
        return path;
    }

    private static string Rotated(TempDirectory d)
    {
        var path = d.File("rotated.jpg");
        using var img = new Image<Rgb24>(40, 24);
        for (int y = 0; y < 24; y++)
            for (int x = 0; x < 40; x++) img[x, y] = x < 20 ? new Rgb24(255, 0, 0) : new Rgb24(0, 0, 255);
        img.Metadata.ExifProfile = new ExifProfile();
        img.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        img.SaveAsJpeg(path, new JpegEncoder { Quality = 95 });
        return path;
    }

    private static IEnumerable<byte[]> Pixels(Tensor t) => TestImages.Hwc(t).Chunk(3);
}
