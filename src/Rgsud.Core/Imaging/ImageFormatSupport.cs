using System.Collections.Concurrent;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;

namespace Rgsud.Imaging;

/// <summary>Maps <see cref="ImageFormats"/> to ImageSharp formats, configurations and file extensions.</summary>
internal static class ImageFormatSupport
{
    /// <summary>Every format Rgsud knows.</summary>
    public const ImageFormats All = ImageFormats.Png | ImageFormats.Jpeg | ImageFormats.Webp | ImageFormats.Bmp | ImageFormats.Gif | ImageFormats.Tiff;

    private static readonly ConcurrentDictionary<ImageFormats, Configuration> Configurations = new();

    /// <summary>
    /// An ImageSharp configuration holding only the decoders of <paramref name="formats"/> (cached). With
    /// <see cref="All"/> it is used to identify a file's format even when that format is disabled.
    /// </summary>
    public static Configuration ConfigurationFor(ImageFormats formats) =>
        Configurations.GetOrAdd(formats & All, static f =>
        {
            var modules = new List<IConfigurationModule>();
            if (f.HasFlag(ImageFormats.Png)) modules.Add(new PngConfigurationModule());
            if (f.HasFlag(ImageFormats.Jpeg)) modules.Add(new JpegConfigurationModule());
            if (f.HasFlag(ImageFormats.Webp)) modules.Add(new WebpConfigurationModule());
            if (f.HasFlag(ImageFormats.Bmp)) modules.Add(new BmpConfigurationModule());
            if (f.HasFlag(ImageFormats.Gif)) modules.Add(new GifConfigurationModule());
            if (f.HasFlag(ImageFormats.Tiff)) modules.Add(new TiffConfigurationModule());
            return new Configuration([.. modules]);
        });

    /// <summary>The Rgsud format of an ImageSharp format, or <see cref="ImageFormats.None"/>.</summary>
    public static ImageFormats FromImageSharp(IImageFormat? format) => format switch
    {
        PngFormat => ImageFormats.Png,
        JpegFormat => ImageFormats.Jpeg,
        WebpFormat => ImageFormats.Webp,
        BmpFormat => ImageFormats.Bmp,
        GifFormat => ImageFormats.Gif,
        TiffFormat => ImageFormats.Tiff,
        _ => ImageFormats.None,
    };

    /// <summary>The display name of a single format: PNG, JPEG, WEBP, BMP, GIF or TIFF.</summary>
    public static string Name(ImageFormats format) => format.ToString().ToUpperInvariant();

    /// <summary>The format a file extension (with or without the dot, any case) stands for, or None.</summary>
    public static ImageFormats FromExtension(string extension) => extension.TrimStart('.').ToLowerInvariant() switch
    {
        "png" => ImageFormats.Png,
        "jpg" or "jpeg" => ImageFormats.Jpeg,
        "webp" => ImageFormats.Webp,
        "bmp" => ImageFormats.Bmp,
        "gif" => ImageFormats.Gif,
        "tif" or "tiff" => ImageFormats.Tiff,
        _ => ImageFormats.None,
    };
}
