namespace Rgsud.Strategy.Banks;

/// <summary>A stored reward: 8-bit RGB pixels, row-major HWC (R,G,B per pixel). The array is never modified once made.</summary>
/// <param name="Hwc">Width × height × 3 bytes.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
internal sealed record RewardImage(byte[] Hwc, int Width, int Height);
