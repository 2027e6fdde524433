using Rgsud.Core.Tests.Imaging;
using Rgsud.Data;
using Rgsud.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Rgsud.Core.Tests.Data;

/// <summary>Issue 8 at the dataset level: bad files are skipped (counted, with reasons) or stop the load, by policy.</summary>
public sealed class UnpairedImageDatasetTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Folder(string name) => Directory.CreateDirectory(dir.File(name)).FullName;

    private static void Good(string folder, string name, int size = 40)
    {
        using var img = Image.LoadPixelData<Rgb24>(TestImages.RandomHwc(size, size, name.Length), size, size);
        img.SaveAsPng(Path.Combine(folder, name));
    }

    [Fact]
    public void Folders_without_images_are_a_typed_error_naming_the_folder()
    {
        var rainy = Folder("rainy");
        var clean = Folder("clean");
        Good(clean, "c.png");
        File.WriteAllText(Path.Combine(rainy, "readme.txt"), "not listed: wrong extension");
        var e = Assert.Throws<RgsudFileException>(() => UnpairedImageDataset.Load(rainy, clean, 32).Dispose());
        Assert.Equal(rainy, e.FilePath);
        Assert.Equal("the rainy folder has no usable image", e.Reason);

        Good(rainy, "r.png");
        File.Delete(Path.Combine(clean, "c.png"));
        var e2 = Assert.Throws<RgsudFileException>(() => UnpairedImageDataset.Load(rainy, clean, 32).Dispose());
        Assert.Equal(clean, e2.FilePath);
        Assert.Contains("clean folder has no usable image", e2.Message, StringComparison.Ordinal);

        var missing = dir.File("nope");
        var e3 = Assert.Throws<RgsudFileException>(() => UnpairedImageDataset.Load(missing, clean, 32).Dispose());
        Assert.Equal(missing, e3.FilePath);
    }

    [Fact]
    public void Skip_policy_keeps_the_good_images_and_counts_every_bad_file_with_its_reason()
    {
        var rainy = Folder("rainy");
        var clean = Folder("clean");
        Good(rainy, "a-good.png");
        Good(rainy, "b good 雨.png");
        Good(clean, "c-good.png");
        File.WriteAllBytes(Path.Combine(rainy, "empty.png"), []);
        File.WriteAllText(Path.Combine(rainy, "text.png"), "not an image, only text");
        File.WriteAllBytes(Path.Combine(rainy, "bomb.png"), TestImages.HeaderOnlyPng(100_000, 100_000));
        Good(rainy, "tiny.png", 7);
        Directory.CreateDirectory(Path.Combine(rainy, "x.png")); // a folder with an image name: not a file, not listed
        File.CreateSymbolicLink(Path.Combine(clean, "loop.png"), Path.Combine(clean, "loop.png"));
        using (var gif = new Image<Rgb24>(40, 40)) gif.SaveAsGif(Path.Combine(clean, "d.gif"));

        var reported = new List<SkippedFile>();
        using var data = UnpairedImageDataset.Load(rainy, clean, 32, BadFilePolicy.Skip, onSkipped: reported.Add);

        Assert.Equal(["a-good.png", "b good 雨.png"], data.Rainy.Select(i => i.Id));
        Assert.Equal(["c-good.png"], data.Clean.Select(i => i.Id));
        Assert.Equal(reported, data.Skipped);
        var reasons = data.Skipped.ToDictionary(s => Path.GetFileName(s.Path), s => s.Reason);
        Assert.Equal(5, reasons.Count);
        Assert.Equal("empty file (0 bytes)", reasons["empty.png"]);
        Assert.Equal("not a recognised image (unknown format)", reasons["text.png"]);
        Assert.Contains("over the limit of 64000000", reasons["bomb.png"], StringComparison.Ordinal);
        Assert.Equal("image is 7x7, smaller than the 32x32 training crop", reasons["tiny.png"]);
        Assert.StartsWith("cannot open: ", reasons["loop.png"], StringComparison.Ordinal);
        Assert.DoesNotContain("d.gif", reasons.Keys); // GIF is off: not even listed
    }

    [Fact]
    public void Fail_policy_stops_at_the_first_bad_file_naming_it()
    {
        var rainy = Folder("rainy");
        var clean = Folder("clean");
        Good(rainy, "a.png");
        File.WriteAllText(Path.Combine(rainy, "b.png"), "text");
        File.WriteAllBytes(Path.Combine(rainy, "c.png"), []);
        Good(clean, "c.png");
        var e = Assert.Throws<RgsudImageException>(() => UnpairedImageDataset.Load(rainy, clean, 32, BadFilePolicy.Fail).Dispose());
        Assert.Equal(Path.Combine(rainy, "b.png"), e.FilePath);
        Assert.Equal("not a recognised image (unknown format)", e.Reason);
    }

    [Fact]
    public void A_folder_of_only_bad_files_says_how_many_were_skipped()
    {
        var rainy = Folder("rainy");
        var clean = Folder("clean");
        File.WriteAllBytes(Path.Combine(rainy, "a.png"), []);
        Good(rainy, "b.png", 8);
        Good(clean, "c.png");
        var e = Assert.Throws<RgsudFileException>(() => UnpairedImageDataset.Load(rainy, clean, 32).Dispose());
        Assert.Equal("the rainy folder has no usable image (2 skipped)", e.Reason);
    }

    [Fact]
    public void Sixteen_bit_gray_and_cmyk_inputs_are_converted_to_8_bit_rgb()
    {
        var rainy = Folder("rainy");
        var clean = Folder("clean");
        using (var deep = new Image<Rgb48>(32, 32)) { deep[0, 0] = new Rgb48(65535, 32896, 0); deep.SaveAsPng(Path.Combine(rainy, "deep.png")); }
        using (var gray = new Image<L8>(32, 32)) { gray[0, 0] = new L8(77); gray.SaveAsPng(Path.Combine(rainy, "gray.png")); }
        File.WriteAllBytes(Path.Combine(clean, "cmyk.jpg"), CmykJpeg.Create(32, 32, 255, 128, 0, 255));
        using var data = UnpairedImageDataset.Load(rainy, clean, 32);
        Assert.Empty(data.Skipped);
        Assert.Equal(TorchSharp.torch.ScalarType.Byte, data.Rainy[0].Pixels.dtype);
        Assert.Equal(new byte[] { 255, 128, 0 }, Pixel(data.Rainy[0], 0, 0));
        Assert.Equal(new byte[] { 77, 77, 77 }, Pixel(data.Rainy[1], 0, 0));
        Assert.Equal(new byte[] { 255, 128, 0 }, Pixel(data.Clean[0], 5, 5));
    }

    private static byte[] Pixel(DatasetImage image, int x, int y) =>
        [image.Pixels[0, y, x].item<byte>(), image.Pixels[1, y, x].item<byte>(), image.Pixels[2, y, x].item<byte>()];
}
