namespace Rgsud.Imaging;

/// <summary>Image file formats Rgsud can read. Combine them with <c>|</c>.</summary>
[Flags]
public enum ImageFormats
{
    /// <summary>No format.</summary>
    None = 0,

    /// <summary>PNG (.png), 8 and 16 bits per channel.</summary>
    Png = 1,

    /// <summary>JPEG (.jpg, .jpeg).</summary>
    Jpeg = 2,

    /// <summary>WebP (.webp), lossy and lossless.</summary>
    Webp = 4,

    /// <summary>Windows bitmap (.bmp).</summary>
    Bmp = 8,

    /// <summary>GIF (.gif), first frame only. Off by default.</summary>
    Gif = 16,

    /// <summary>TIFF (.tif, .tiff), first frame only. Off by default.</summary>
    Tiff = 32,

    /// <summary>The formats enabled by default: PNG, JPEG, WebP and BMP.</summary>
    Default = Png | Jpeg | Webp | Bmp,
}
