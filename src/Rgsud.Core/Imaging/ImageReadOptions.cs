namespace Rgsud.Imaging;

/// <summary>Limits applied by <see cref="ImageIO"/> before an image is decoded.</summary>
public sealed class ImageReadOptions
{
    /// <summary>The default options: at most 64 000 000 pixels, <see cref="ImageFormats.Default"/> formats.</summary>
    public static ImageReadOptions Default { get; } = new();

    /// <summary>
    /// The largest image (width × height) that is decoded; larger ones are refused from their header, before any
    /// pixel memory is allocated. Default 64 000 000.
    /// </summary>
    public long MaxPixels { get; init; } = 64_000_000;

    /// <summary>The formats that may be decoded; others are refused. Default <see cref="ImageFormats.Default"/>.</summary>
    public ImageFormats EnabledFormats { get; init; } = ImageFormats.Default;
}
