namespace Rgsud.Imaging;

/// <summary>What an image file's header says, as returned by <see cref="ImageIO.Identify(string, ImageReadOptions?)"/>.</summary>
/// <param name="Width">Width in pixels after the EXIF orientation is applied (the width <see cref="ImageIO.Read(string, ImageReadOptions?)"/> returns).</param>
/// <param name="Height">Height in pixels after the EXIF orientation is applied.</param>
/// <param name="Format">The format's name: PNG, JPEG, WEBP, BMP, GIF or TIFF.</param>
/// <param name="BitsPerPixel">Bits per pixel of the stored data (for example 24 for RGB, 48 for 16-bit RGB, 8 for gray); 0 when the decoder does not say.</param>
public sealed record ImageInfo(int Width, int Height, string Format, int BitsPerPixel);
