using System.Globalization;
using System.Runtime.InteropServices;
using Rgsud.IO;
using Rgsud.Runtime;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Imaging;

/// <summary>
/// Reads images into tensors and writes tensors as PNG files.
/// <para>
/// Tensors are float32 on the CPU, shaped [1,3,H,W] (plain contiguous NCHW; callers convert the layout), with
/// values in [0,1]. Reading applies the EXIF orientation, expands grayscale to three channels, drops alpha (no
/// compositing) and keeps 16-bit precision. Header checks (format enabled, size within
/// <see cref="ImageReadOptions.MaxPixels"/>) run before any pixel is decoded, and so does a structural check that
/// the file is complete (PNG chunks up to IEND, JPEG markers up to EOI, WebP and BMP size fields), because the
/// decoders silently fill in the missing part of a cut-short JPEG, WebP or BMP. Every failure to read a file is an
/// <see cref="RgsudImageException"/> whose message is "path: reason".
/// </para>
/// <para>
/// Reason texts: "file not found", "is a directory", "permission denied", "empty file (0 bytes)",
/// "not a recognised image (unknown format)", "format GIF is not enabled (ImageReadOptions.EnabledFormats)",
/// "image is WxH = N pixels, over the limit of M (ImageReadOptions.MaxPixels)", and
/// "truncated or corrupt image data: " followed by the detail.
/// </para>
/// </summary>
public static class ImageIO
{
    /// <summary>Reason text: the path does not exist.</summary>
    internal const string FileNotFound = "file not found";

    /// <summary>Reason text: the file has no bytes.</summary>
    internal const string EmptyFile = "empty file (0 bytes)";

    /// <summary>Reason text: no enabled-or-disabled decoder recognises the header.</summary>
    internal const string UnknownFormat = "not a recognised image (unknown format)";

    /// <summary>Reason text: access to the file was refused.</summary>
    internal const string PermissionDenied = "permission denied";

    /// <summary>Reason text: the path is a directory.</summary>
    internal const string IsDirectory = "is a directory";

    /// <summary>Reason prefix: the decoder failed on the pixel data.</summary>
    internal const string CorruptPrefix = "truncated or corrupt image data: ";

    /// <summary>v / 255f for every 8-bit level v.</summary>
    private static readonly float[] Levels = Enumerable.Range(0, 256).Select(v => v / 255f).ToArray();

    /// <summary>
    /// 8-bit RGB; deflate level 3 with the Up filter: on 481×321 photographs about half the time of the defaults
    /// (level 6, adaptive filters) for files within 1 % of their size.
    /// </summary>
    private static readonly PngEncoder Encoder = new()
    {
        ColorType = PngColorType.Rgb,
        BitDepth = PngBitDepth.Bit8,
        CompressionLevel = PngCompressionLevel.Level3,
        FilterMethod = PngFilterMethod.Up,
    };

    /// <summary>Reads an image file into a float32 CPU tensor [1,3,H,W] with values in [0,1].</summary>
    /// <param name="path">The image file.</param>
    /// <param name="options">Limits; <see cref="ImageReadOptions.Default"/> when null.</param>
    /// <exception cref="RgsudImageException">The file is missing, empty, not an image, of a disabled format, too large, or corrupt.</exception>
    public static Tensor Read(string path, ImageReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ImageReadOptions.Default;
        using var stream = OpenForRead(path);
        return ReadCore(stream, path, options);
    }

    /// <summary>
    /// Reads an image from a stream (from its current position) into a float32 CPU tensor [1,3,H,W] with values
    /// in [0,1]. A stream that cannot seek is first copied into memory. The stream is not disposed.
    /// </summary>
    /// <param name="stream">The encoded image.</param>
    /// <param name="displayName">The name used in error messages (for example the original file name or URL).</param>
    /// <param name="options">Limits; <see cref="ImageReadOptions.Default"/> when null.</param>
    /// <exception cref="RgsudImageException">The data is empty, not an image, of a disabled format, too large, or corrupt.</exception>
    public static Tensor Read(Stream stream, string displayName, ImageReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        options ??= ImageReadOptions.Default;
        if (stream.CanSeek) return ReadCore(stream, displayName, options);
        using var copy = CopyToMemory(stream, displayName);
        return ReadCore(copy, displayName, options);
    }

    /// <summary>
    /// Reads an image file's header without decoding its pixels. The same checks as
    /// <see cref="Read(string, ImageReadOptions?)"/> apply before decoding (format enabled, size within the limit);
    /// pass options with a larger <see cref="ImageReadOptions.MaxPixels"/> to inspect larger images. Width and
    /// height are those after the EXIF orientation is applied, i.e. those <c>Read</c> returns.
    /// </summary>
    /// <param name="path">The image file.</param>
    /// <param name="options">Limits; <see cref="ImageReadOptions.Default"/> when null.</param>
    /// <exception cref="RgsudImageException">The file is missing, empty, not an image, of a disabled format, too large, or has a corrupt header.</exception>
    public static ImageInfo Identify(string path, ImageReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ImageReadOptions.Default;
        using var stream = OpenForRead(path);
        var (info, format) = IdentifyCore(stream, path, options);
        int width = info.Width, height = info.Height;
        if (SwapsAxes(info)) (width, height) = (height, width);
        return new ImageInfo(width, height, ImageFormatSupport.Name(format), info.PixelType?.BitsPerPixel ?? 0);
    }

    /// <summary>
    /// Writes an RGB tensor as an 8-bit PNG file. The tensor may be [3,H,W] or [1,3,H,W], on any device, of any
    /// floating-point type and with any strides (channels-last included). Values are clamped to [0,1] (NaN
    /// becomes 0), multiplied by 255 and rounded with <c>torch.round</c> (half to even; exact ties are practically
    /// absent in float data). The file is written atomically: to a temporary file in the same directory, then
    /// moved over <paramref name="path"/>. Missing directories are created.
    /// </summary>
    /// <param name="image">The image, values nominally in [0,1].</param>
    /// <param name="path">The PNG file to create or replace.</param>
    /// <exception cref="ArgumentException">The tensor is not a floating-point [3,H,W] or [1,3,H,W] tensor.</exception>
    /// <exception cref="RgsudImageException">The file could not be written.</exception>
    public static void WritePng(Tensor image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(path);
        using var img = ToImage(image);
        SaveAtomically(img, path);
    }

    /// <summary>
    /// Converts an RGB tensor ([3,H,W] or [1,3,H,W], any device, floating point, any strides) to an 8-bit image,
    /// with the clamping and rounding of <see cref="WritePng(Tensor, string)"/>.
    /// </summary>
    /// <param name="image">The image, values nominally in [0,1].</param>
    /// <returns>A new image the caller disposes.</returns>
    /// <exception cref="ArgumentException">The tensor is not a floating-point [3,H,W] or [1,3,H,W] tensor.</exception>
    public static Image<Rgb24> ToImage(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (bytes, height, width) = ToHwcBytes(image, nameof(image));
        return Image.LoadPixelData<Rgb24>(bytes, width, height);
    }

    /// <summary>Converts an 8-bit RGB image to a float32 CPU tensor [1,3,H,W] (contiguous NCHW) with values v/255.</summary>
    /// <param name="image">The image.</param>
    /// <returns>A new tensor the caller disposes.</returns>
    public static Tensor FromImage(Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        var tensor = NewImageTensor(height, width);
        try
        {
            // Written straight into the tensor's memory: no intermediate array.
            var data = MemoryMarshal.Cast<byte, float>(tensor.bytes);
            int plane = width * height;
            var levels = Levels;
            for (int y = 0; y < height; y++)
            {
                var row = image.DangerousGetPixelRowMemory(y).Span;
                var r = data.Slice(y * width, width);
                var g = data.Slice(plane + y * width, width);
                var b = data.Slice(2 * plane + y * width, width);
                for (int x = 0; x < row.Length; x++)
                {
                    var p = row[x];
                    r[x] = levels[p.R];
                    g[x] = levels[p.G];
                    b[x] = levels[p.B];
                }
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The image files directly in <paramref name="directory"/> (not recursive) whose extension belongs to one of
    /// <paramref name="formats"/> (.png, .jpg, .jpeg, .webp, .bmp, .gif, .tif, .tiff; any case), sorted ordinally
    /// by file name. Only the extension is looked at; contents are checked when a file is read.
    /// </summary>
    /// <param name="directory">The folder to list.</param>
    /// <param name="formats">The formats to include; <see cref="ImageFormats.Default"/> unless given.</param>
    /// <returns>Full paths (the directory joined with each file name).</returns>
    /// <exception cref="RgsudFileException">The directory does not exist or cannot be listed.</exception>
    public static IReadOnlyList<string> ListImages(string directory, ImageFormats formats = ImageFormats.Default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new RgsudFileException(directory, File.Exists(directory) ? "is a file, not a directory" : "directory not found");
        }

        try
        {
            var names = new List<string>();
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                var name = Path.GetFileName(file);
                if ((ImageFormatSupport.FromExtension(Path.GetExtension(name)) & formats) != 0) names.Add(name);
            }

            names.Sort(StringComparer.Ordinal);
            return names.ConvertAll(n => Path.Combine(directory, n));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RgsudFileException(directory, PermissionDenied, e);
        }
        catch (IOException e)
        {
            throw new RgsudFileException(directory, $"cannot list the directory: {e.Message}", e);
        }
    }

    private static Tensor ReadCore(Stream stream, string name, ImageReadOptions options)
    {
        long start = stream.Position;
        var (info, format) = IdentifyCore(stream, name, options);
        stream.Position = start;
        var bytes = ReadToEnd(stream, name);
        var damage = ImageIntegrity.FindDamage(format, bytes);
        if (damage is not null) throw new RgsudImageException(name, CorruptPrefix + damage);
        using var data = new MemoryStream(bytes, writable: false);

        // Only the identified format's decoder is registered: nothing else can be reached from this data.
        var configuration = ImageFormatSupport.ConfigurationFor(format);
        if (HasDeepChannels(info, format))
        {
            using var deep = Decode<Rgb48>(configuration, data, name);
            return ToTensor(deep);
        }

        using var image = Decode<Rgb24>(configuration, data, name);
        return FromImage(image);
    }

    /// <summary>Decodes with only the given configuration's decoders and applies the EXIF orientation.</summary>
    private static Image<TPixel> Decode<TPixel>(Configuration configuration, Stream stream, string name)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        Image<TPixel>? image = null;
        try
        {
            image = Image.Load<TPixel>(configuration, stream);
            image.Mutate(x => x.AutoOrient()); // EXIF orientation; a no-op without it
            return image;
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            image?.Dispose();
            throw Translate(name, e);
        }
    }

    /// <summary>
    /// True when the file stores more than 8 bits per channel (16-bit PNG; TIFF, which may), so that it is decoded
    /// as Rgb48 and keeps its precision. Other images decode faster as Rgb24.
    /// </summary>
    private static bool HasDeepChannels(IImageInfo info, ImageFormats format) => format switch
    {
        ImageFormats.Png => info.Metadata?.GetPngMetadata().BitDepth == PngBitDepth.Bit16,
        ImageFormats.Tiff => true,
        _ => false,
    };

    /// <summary>Detects the format, checks it is enabled, reads the header and checks the size.</summary>
    private static (IImageInfo Info, ImageFormats Format) IdentifyCore(Stream stream, string name, ImageReadOptions options)
    {
        long start = stream.Position;
        long length;
        try
        {
            length = stream.Length - start;
        }
        catch (NotSupportedException)
        {
            length = -1;
        }

        if (length == 0) throw new RgsudImageException(name, EmptyFile);

        ImageFormats format;
        IImageInfo? info;
        try
        {
            var detected = Image.DetectFormat(ImageFormatSupport.ConfigurationFor(ImageFormatSupport.All), stream);
            stream.Position = start;
            format = ImageFormatSupport.FromImageSharp(detected);
            if (format == ImageFormats.None) throw new RgsudImageException(name, UnknownFormat);
            if ((options.EnabledFormats & format) == 0)
            {
                throw new RgsudImageException(name,
                    $"format {ImageFormatSupport.Name(format)} is not enabled (ImageReadOptions.EnabledFormats)");
            }

            info = Image.Identify(ImageFormatSupport.ConfigurationFor(format), stream, out _);
            stream.Position = start;
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw Translate(name, e);
        }

        if (info is null) throw new RgsudImageException(name, CorruptPrefix + "the header could not be read");
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new RgsudImageException(name, CorruptPrefix + string.Create(CultureInfo.InvariantCulture,
                $"the header gives an empty size {info.Width}x{info.Height}"));
        }

        long pixels = (long)info.Width * info.Height;
        if (pixels > options.MaxPixels)
        {
            throw new RgsudImageException(name, string.Create(CultureInfo.InvariantCulture,
                $"image is {info.Width}x{info.Height} = {pixels} pixels, over the limit of {options.MaxPixels} (ImageReadOptions.MaxPixels)"));
        }

        if (3 * pixels > Array.MaxLength)
        {
            throw new RgsudImageException(name, string.Create(CultureInfo.InvariantCulture,
                $"image is {info.Width}x{info.Height} = {pixels} pixels, too large for one tensor"));
        }

        return (info, format);
    }

    private static bool SwapsAxes(IImageInfo info)
    {
        var orientation = info.Metadata?.ExifProfile?.GetValue(ExifTag.Orientation);
        return orientation is not null && orientation.Value is >= 5 and <= 8;
    }

    private static FileStream OpenForRead(string path)
    {
        if (Directory.Exists(path)) throw new RgsudImageException(path, IsDirectory);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RgsudImageException(path, FileNotFound, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RgsudImageException(path, PermissionDenied, e);
        }
        catch (IOException e)
        {
            throw new RgsudImageException(path, $"cannot open: {e.Message}", e);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new RgsudImageException(path, $"invalid path: {e.Message}", e);
        }

        if (stream.Length == 0)
        {
            stream.Dispose();
            throw new RgsudImageException(path, EmptyFile);
        }

        return stream;
    }

    /// <summary>The rest of a seekable stream (whose header was already checked) as one array.</summary>
    private static byte[] ReadToEnd(Stream stream, string name)
    {
        try
        {
            long remaining = stream.Length - stream.Position;
            if (remaining > Array.MaxLength)
            {
                throw new RgsudImageException(name, string.Create(CultureInfo.InvariantCulture, $"the file is {remaining} bytes, too large to read"));
            }

            var bytes = new byte[remaining];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (EndOfStreamException e)
        {
            throw new RgsudImageException(name, CorruptPrefix + "the file became shorter while being read", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RgsudImageException(name, PermissionDenied, e);
        }
        catch (IOException e)
        {
            throw new RgsudImageException(name, $"read error: {e.Message}", e);
        }
    }

    private static MemoryStream CopyToMemory(Stream stream, string name)
    {
        var copy = new MemoryStream();
        try
        {
            stream.CopyTo(copy);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ObjectDisposedException)
        {
            copy.Dispose();
            throw new RgsudImageException(name, $"read error: {e.Message}", e);
        }

        copy.Position = 0;
        return copy;
    }

    private static bool IsDecodeFailure(Exception e) => e is not (RgsudException or OutOfMemoryException or OperationCanceledException);

    private static RgsudImageException Translate(string name, Exception e) => e switch
    {
        UnknownImageFormatException => new RgsudImageException(name, UnknownFormat, e),
        UnauthorizedAccessException => new RgsudImageException(name, PermissionDenied, e),
        ImageFormatException or EndOfStreamException or InvalidDataException => new RgsudImageException(name, CorruptPrefix + e.Message, e),
        NotSupportedException => new RgsudImageException(name, $"unsupported image variant: {e.Message}", e),
        IOException => new RgsudImageException(name, $"read error: {e.Message}", e),
        _ => new RgsudImageException(name, CorruptPrefix + $"{e.GetType().Name}: {e.Message}", e),
    };

    private static Tensor ToTensor(Image<Rgb48> image)
    {
        int width = image.Width, height = image.Height;
        var tensor = NewImageTensor(height, width);
        try
        {
            var data = MemoryMarshal.Cast<byte, float>(tensor.bytes);
            int plane = width * height;
            for (int y = 0; y < height; y++)
            {
                var row = image.DangerousGetPixelRowMemory(y).Span;
                var r = data.Slice(y * width, width);
                var g = data.Slice(plane + y * width, width);
                var b = data.Slice(2 * plane + y * width, width);
                for (int x = 0; x < row.Length; x++)
                {
                    var p = row[x];
                    // Division (not multiplication by 1/65535) keeps 8-bit data exact: (v*257)/65535 == v/255.
                    r[x] = p.R / 65535f;
                    g[x] = p.G / 65535f;
                    b[x] = p.B / 65535f;
                }
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>An uninitialised float32 CPU tensor [1,3,H,W] (initialising the runtime first).</summary>
    private static Tensor NewImageTensor(int height, int width)
    {
        RgsudRuntime.EnsureInitialized();
        return torch.empty(new long[] { 1, 3, height, width }, ScalarType.Float32, torch.CPU);
    }

    private static (byte[] Bytes, int Height, int Width) ToHwcBytes(Tensor image, string paramName)
    {
        var shape = image.shape;
        bool ok = (image.dim() == 3 && shape[0] == 3) || (image.dim() == 4 && shape[0] == 1 && shape[1] == 3);
        if (!ok)
        {
            throw new ArgumentException($"expected an RGB image tensor [3,H,W] or [1,3,H,W], got [{string.Join(",", shape)}]", paramName);
        }

        if (!image.is_floating_point())
        {
            throw new ArgumentException($"expected a floating-point tensor, got {image.dtype}", paramName);
        }

        using var scope = torch.NewDisposeScope();
        var chw = image.dim() == 4 ? image.detach()[0] : image.detach();
        int height = checked((int)chw.shape[1]), width = checked((int)chw.shape[2]);
        if (height == 0 || width == 0) throw new ArgumentException("the image is empty (zero width or height)", paramName);
        var bytes = new byte[checked(3 * height * width)];
        // Converted in strips of rows: the float temporaries stay small however large the image is (a 24-Mpx image
        // whole would need four 288 MB temporaries).
        int rows = Math.Max(1, (1 << 20) / width);
        for (int y0 = 0; y0 < height; y0 += rows)
        {
            using var strip = torch.NewDisposeScope();
            int n = Math.Min(rows, height - y0);
            var hwc = chw.narrow(1, y0, n).to(DeviceType.CPU).to_type(ScalarType.Float32)
                .nan_to_num(0)
                .clamp(0, 1)
                .mul(255)
                .round()
                .to_type(ScalarType.Byte)
                .permute(1, 2, 0)
                .contiguous();
            hwc.data<byte>().CopyTo(bytes, checked(3 * y0 * width));
        }
        return (bytes, height, width);
    }

    private static void SaveAtomically(Image<Rgb24> image, string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new RgsudImageException(path, $"invalid path: {e.Message}", e);
        }

        if (Directory.Exists(full)) throw new RgsudImageException(path, IsDirectory);
        string directory = Path.GetDirectoryName(full) ?? throw new RgsudImageException(path, "invalid path: no parent directory");
        try
        {
            AtomicFile.Write(full, stream => image.Save(stream, Encoder),
                (reason, cause) => new RgsudImageException(path, cause is UnauthorizedAccessException ? PermissionDenied : reason, cause),
                flushToDisk: false);
        }
        catch (ImageFormatException e)
        {
            throw new RgsudImageException(path, $"cannot write: {e.Message}", e);
        }
    }

}
