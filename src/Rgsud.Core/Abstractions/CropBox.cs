namespace Rgsud.Abstractions;

/// <summary>A crop rectangle in pixel coordinates of a full image.</summary>
/// <param name="X">Left column.</param>
/// <param name="Y">Top row.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public readonly record struct CropBox(int X, int Y, int Width, int Height);
