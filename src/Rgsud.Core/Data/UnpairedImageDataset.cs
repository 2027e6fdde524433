using Rgsud.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Data;

/// <summary>
/// The two unpaired training sets — real rainy images and clean images of other scenes — decoded once and
/// kept as 8-bit RGB on the CPU (3 bytes per pixel: Rain100L's 57 training images take 26 MB). Ids are paths
/// relative to each root. Files that cannot be used (unreadable, or smaller than the crop) are skipped or fail
/// according to <see cref="BadFilePolicy"/>.
/// </summary>
public sealed class UnpairedImageDataset : IDisposable
{
    private UnpairedImageDataset(string rainyRoot, string cleanRoot, List<DatasetImage> rainy, List<DatasetImage> clean, List<SkippedFile> skipped)
    {
        RainyRoot = rainyRoot;
        CleanRoot = cleanRoot;
        Rainy = rainy;
        Clean = clean;
        Skipped = skipped;
    }

    /// <summary>The rainy root folder.</summary>
    public string RainyRoot { get; }

    /// <summary>The clean root folder.</summary>
    public string CleanRoot { get; }

    /// <summary>Rainy images, ordered by id.</summary>
    public IReadOnlyList<DatasetImage> Rainy { get; }

    /// <summary>Clean images, ordered by id.</summary>
    public IReadOnlyList<DatasetImage> Clean { get; }

    /// <summary>Files skipped under <see cref="BadFilePolicy.Skip"/>.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; }

    /// <summary>
    /// Reads every image of <paramref name="rainyRoot"/> and <paramref name="cleanRoot"/> (not recursive).
    /// Images smaller than <paramref name="minSize"/> in either dimension are unusable for training crops.
    /// Throws <see cref="RgsudFileException"/> when a folder is missing or ends up with no usable image.
    /// </summary>
    public static UnpairedImageDataset Load(string rainyRoot, string cleanRoot, int minSize = 1,
        BadFilePolicy policy = BadFilePolicy.Skip, ImageReadOptions? readOptions = null, Action<SkippedFile>? onSkipped = null)
    {
        ArgumentNullException.ThrowIfNull(rainyRoot);
        ArgumentNullException.ThrowIfNull(cleanRoot);
        var skipped = new List<SkippedFile>();
        var rainy = ReadFolder(rainyRoot, "rainy", minSize, policy, readOptions, skipped, onSkipped);
        var clean = ReadFolder(cleanRoot, "clean", minSize, policy, readOptions, skipped, onSkipped);
        return new UnpairedImageDataset(Path.GetFullPath(rainyRoot), Path.GetFullPath(cleanRoot), rainy, clean, skipped);
    }

    /// <summary>Builds a dataset from images already in memory (float <c>[1,3,H,W]</c> or <c>[3,H,W]</c> in [0,1]); ids are given.</summary>
    public static UnpairedImageDataset FromTensors(IReadOnlyList<(string Id, Tensor Image)> rainy, IReadOnlyList<(string Id, Tensor Image)> clean)
    {
        ArgumentNullException.ThrowIfNull(rainy);
        ArgumentNullException.ThrowIfNull(clean);
        if (rainy.Count == 0 || clean.Count == 0) throw new ArgumentException("both sets need at least one image");
        static DatasetImage Convert((string Id, Tensor Image) x) => new(x.Id, x.Id, Quantize(x.Image));
        return new UnpairedImageDataset("<memory>", "<memory>", [.. rainy.Select(Convert).OrderBy(i => i.Id, StringComparer.Ordinal)],
            [.. clean.Select(Convert).OrderBy(i => i.Id, StringComparer.Ordinal)], []);
    }

    /// <summary>The rainy image with id <paramref name="id"/>.</summary>
    public DatasetImage GetRainy(string id) =>
        Rainy.FirstOrDefault(i => i.Id == id) ?? throw new KeyNotFoundException($"no rainy image with id '{id}'");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var image in Rainy.Concat(Clean)) image.Pixels.Dispose();
    }

    internal static Tensor Quantize(Tensor image)
    {
        using var scope = NewDisposeScope();
        var x = image.dim() == 4 ? image[0] : image;
        if (x.dim() != 3 || x.shape[0] != 3) throw new ArgumentException($"expected [3,H,W] or [1,3,H,W], got [{string.Join(",", image.shape)}]");
        return x.detach().to(CPU).to(float32).clamp(0, 1).mul(255).round().to(uint8).contiguous().MoveToOuterDisposeScope();
    }

    private static List<DatasetImage> ReadFolder(string root, string side, int minSize, BadFilePolicy policy,
        ImageReadOptions? readOptions, List<SkippedFile> skipped, Action<SkippedFile>? onSkipped)
    {
        if (!Directory.Exists(root)) throw new RgsudFileException(root, $"the {side} folder does not exist");
        var list = new List<DatasetImage>();
        foreach (var path in ImageIO.ListImages(root, readOptions?.EnabledFormats ?? ImageFormats.Default))
        {
            try
            {
                using var image = ImageIO.Read(path, readOptions);
                if (image.shape[2] < minSize || image.shape[3] < minSize)
                    throw new RgsudImageException(path, $"image is {image.shape[3]}x{image.shape[2]}, smaller than the {minSize}x{minSize} training crop");
                var id = Path.GetRelativePath(root, path).Replace('\\', '/');
                list.Add(new DatasetImage(id, path, Quantize(image)));
            }
            catch (RgsudImageException e) when (policy == BadFilePolicy.Skip)
            {
                var s = new SkippedFile(path, e.Reason);
                skipped.Add(s);
                onSkipped?.Invoke(s);
            }
        }
        if (list.Count == 0)
            throw new RgsudFileException(root, $"the {side} folder has no usable image" + (skipped.Count > 0 ? $" ({skipped.Count} skipped)" : ""));
        return list;
    }
}
