using Rgsud.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

using Rgsud.Testing;

namespace Rgsud.Core.Tests.Imaging;

public sealed class ImageIOErrorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Read and Identify both fail with an RgsudImageException naming the file and giving the reason.</summary>
    private static void AssertFails(string path, string reason, ImageReadOptions? options = null)
    {
        var read = Assert.Throws<RgsudImageException>(() => ImageIO.Read(path, options).Dispose());
        Assert.Equal(path, read.FilePath);
        Assert.Equal(reason, read.Reason);
        Assert.Contains(path, read.Message, StringComparison.Ordinal);
        Assert.Contains(reason, read.Message, StringComparison.Ordinal);

        var identify = Assert.Throws<RgsudImageException>(() => ImageIO.Identify(path, options));
        Assert.Equal(path, identify.FilePath);
        Assert.Equal(reason, identify.Reason);
    }

    [Fact]
    public void Missing_file()
    {
        AssertFails(dir.File("missing.png"), "file not found");
        AssertFails(Path.Combine(dir.Path, "no-such-dir", "x.png"), "file not found");
    }

    [Fact]
    public void Zero_byte_file()
    {
        var path = dir.File("empty.png");
        File.WriteAllBytes(path, []);
        AssertFails(path, "empty file (0 bytes)");
    }

    [Fact]
    public void Text_file_named_png()
    {
        var path = dir.File("text.png");
        File.WriteAllText(path, "this is not an image, just some text that is long enough to fill a header\n");
        AssertFails(path, "not a recognised image (unknown format)");
    }

    [Fact]
    public void Directory_path()
    {
        var path = dir.File("folder.png");
        Directory.CreateDirectory(path);
        AssertFails(path, "is a directory");
    }

    [Theory]
    [InlineData("png", 0.5)]
    [InlineData("png", 0.999)]
    [InlineData("jpg", 0.5)]
    [InlineData("jpg", 0.999)]
    [InlineData("webp", 0.5)]
    [InlineData("webp", 0.999)]
    [InlineData("lossless.webp", 0.5)]
    [InlineData("bmp", 0.5)]
    [InlineData("bmp", 0.999)]
    public void Truncated_file_is_refused(string kind, double keep)
    {
        // ImageSharp alone decodes most of these without complaint (the missing part comes out gray or black).
        var path = dir.File("truncated." + kind);
        var hwc = TestImages.RandomHwc(96, 96, seed: 11); // noise: the pixel data is long
        using (var img = Image.LoadPixelData<Rgb24>(hwc, 96, 96))
        {
            switch (kind)
            {
                case "png": img.SaveAsPng(path); break;
                case "jpg": img.SaveAsJpeg(path); break;
                case "webp": img.SaveAsWebp(path); break;
                case "lossless.webp": img.SaveAsWebp(path, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }); break;
                default: img.SaveAsBmp(path); break;
            }
        }

        using (var whole = ImageIO.Read(path)) Assert.Equal(new long[] { 1, 3, 96, 96 }, whole.shape);
        var full = File.ReadAllBytes(path);
        File.WriteAllBytes(path, full[..(int)(full.Length * keep)]);

        var e = Assert.Throws<RgsudImageException>(() => ImageIO.Read(path).Dispose());
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith("truncated or corrupt image data: ", e.Reason, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Png_cut_after_a_whole_pixel_chunk_is_refused()
    {
        // Make a PNG with several IDAT chunks, then keep the file only up to the end of the first one.
        var path = dir.File("cut.png");
        var hwc = TestImages.RandomHwc(256, 256, seed: 13);
        using (var img = Image.LoadPixelData<Rgb24>(hwc, 256, 256)) img.SaveAsPng(path);
        var bytes = File.ReadAllBytes(path);
        int idat = bytes.AsSpan().IndexOf("IDAT"u8) - 4;
        int length = (bytes[idat] << 24) | (bytes[idat + 1] << 16) | (bytes[idat + 2] << 8) | bytes[idat + 3];
        int end = idat + 12 + length;
        Assert.True(bytes.AsSpan(end).IndexOf("IDAT"u8) >= 0, "expected a second IDAT chunk");
        File.WriteAllBytes(path, bytes[..end]);

        var e = Assert.Throws<RgsudImageException>(() => ImageIO.Read(path).Dispose());
        Assert.Equal(
            $"truncated or corrupt image data: the PNG data ends at byte {end} without an IEND chunk (file cut short?)",
            e.Reason);
    }

    [Fact]
    public void Jpeg_with_data_after_its_end_marker_still_reads()
    {
        var path = dir.File("trailer.jpg");
        using (var img = new Image<Rgb24>(16, 8)) img.SaveAsJpeg(path);
        File.WriteAllBytes(path, [.. File.ReadAllBytes(path), .. "trailing data some cameras append"u8, 0xFF, 0xDA, 0x00, 0x05]);
        using var t = ImageIO.Read(path);
        Assert.Equal(new long[] { 1, 3, 8, 16 }, t.shape);
    }

    [Fact]
    public void Png_with_a_corrupted_pixel_chunk()
    {
        var path = dir.File("crc.png");
        var hwc = TestImages.RandomHwc(32, 32, seed: 12);
        using (var img = Image.LoadPixelData<Rgb24>(hwc, 32, 32)) img.SaveAsPng(path);
        var bytes = File.ReadAllBytes(path);
        int idat = bytes.AsSpan().IndexOf("IDAT"u8);
        Assert.True(idat > 0);
        for (int i = idat + 10; i < idat + 60; i++) bytes[i] ^= 0x5A; // breaks the zlib stream and the CRC
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<RgsudImageException>(() => ImageIO.Read(path).Dispose());
        Assert.StartsWith("truncated or corrupt image data: ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Png_header_without_pixel_data_is_corrupt()
    {
        var path = dir.File("header-only.png");
        File.WriteAllBytes(path, TestImages.HeaderOnlyPng(4, 4));
        var e = Assert.Throws<RgsudImageException>(() => ImageIO.Read(path).Dispose());
        Assert.StartsWith("truncated or corrupt image data: ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Png_header_claiming_100000x100000_fails_fast_without_allocating()
    {
        var path = dir.File("huge.png");
        File.WriteAllBytes(path, TestImages.HeaderOnlyPng(100_000, 100_000));
        const string reason = "image is 100000x100000 = 10000000000 pixels, over the limit of 64000000 (ImageReadOptions.MaxPixels)";
        AssertFails(path, reason); // warm-up (JIT) and the exact message

        // "Fast" means before any pixel buffer exists: the allocation bound proves it without timing the machine.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<RgsudImageException>(() => ImageIO.Read(path).Dispose());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void MaxPixels_limit_is_configurable()
    {
        var path = dir.File("small.png");
        using (var img = new Image<Rgb24>(10, 10)) img.SaveAsPng(path);
        AssertFails(path, "image is 10x10 = 100 pixels, over the limit of 99 (ImageReadOptions.MaxPixels)", new ImageReadOptions { MaxPixels = 99 });
        using var t = ImageIO.Read(path, new ImageReadOptions { MaxPixels = 100 });
        Assert.Equal(new long[] { 1, 3, 10, 10 }, t.shape);
    }

    [Fact]
    public void Gif_and_tiff_are_disabled_by_default()
    {
        using (var img = new Image<Rgb24>(4, 4))
        {
            img.SaveAsGif(dir.File("a.gif"));
            img.SaveAsTiff(dir.File("a.tiff"));
        }

        AssertFails(dir.File("a.gif"), "format GIF is not enabled (ImageReadOptions.EnabledFormats)");
        AssertFails(dir.File("a.tiff"), "format TIFF is not enabled (ImageReadOptions.EnabledFormats)");
    }

    [Fact]
    public void Disabled_format_is_detected_from_content_not_extension()
    {
        var path = dir.File("really-a-png.jpg");
        using (var img = new Image<Rgb24>(4, 4)) img.SaveAsPng(path);
        AssertFails(path, "format PNG is not enabled (ImageReadOptions.EnabledFormats)", new ImageReadOptions { EnabledFormats = ImageFormats.Jpeg });
    }

    [Fact]
    public void Stream_errors_use_the_display_name()
    {
        using var empty = new MemoryStream();
        var e = Assert.Throws<RgsudImageException>(() => ImageIO.Read(empty, "upload #3").Dispose());
        Assert.Equal("upload #3: empty file (0 bytes)", e.Message);

        using var text = new ForwardOnlyStream("hello, world, not an image at all....."u8.ToArray());
        var e2 = Assert.Throws<RgsudImageException>(() => ImageIO.Read(text, "upload #4").Dispose());
        Assert.Equal("upload #4: not a recognised image (unknown format)", e2.Message);

        using var emptyForward = new ForwardOnlyStream([]);
        var e3 = Assert.Throws<RgsudImageException>(() => ImageIO.Read(emptyForward, "upload #5").Dispose());
        Assert.Equal("empty file (0 bytes)", e3.Reason);
    }

    [NonRootFact]
    public void Unreadable_file_is_permission_denied()
    {
        if (OperatingSystem.IsWindows()) return; // NonRootFact skips it there; this guard satisfies CA1416
        var path = dir.File("secret.png");
        using (var img = new Image<Rgb24>(4, 4)) img.SaveAsPng(path);
        File.SetUnixFileMode(path, UnixFileMode.None);
        try
        {
            AssertFails(path, "permission denied");
        }
        finally
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
