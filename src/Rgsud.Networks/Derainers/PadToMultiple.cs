using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// Pad-to-multiple inference for U-Net derainers (NAFNet's <c>check_image_size</c>): pads height and width on the
/// bottom and right up to a multiple, and crops a result back to the original size.
/// </summary>
internal readonly record struct PadToMultiple(long Height, long Width, long PadHeight, long PadWidth)
{
    /// <summary>The padding needed for <paramref name="input"/> (<c>[N,C,H,W]</c>) to reach a multiple of <paramref name="multiple"/>.</summary>
    public static PadToMultiple For(Tensor input, int multiple)
    {
        long h = input.shape[2], w = input.shape[3];
        return new PadToMultiple(h, w, (multiple - h % multiple) % multiple, (multiple - w % multiple) % multiple);
    }

    /// <summary>True when nothing needs padding.</summary>
    public bool IsEmpty => PadHeight == 0 && PadWidth == 0;

    /// <summary><paramref name="x"/> padded with <paramref name="mode"/> (or itself when nothing is needed).</summary>
    public Tensor Pad(Tensor x, PaddingModes mode = PaddingModes.Constant) =>
        IsEmpty ? x : nn.functional.pad(x, [0, PadWidth, 0, PadHeight], mode);

    /// <summary><paramref name="x"/> cropped back to the original size, in Rgsud's layout (or itself when nothing was padded).</summary>
    public Tensor Crop(Tensor x) => IsEmpty ? x : TensorLayout.ToPreferred(x.narrow(2, 0, Height).narrow(3, 0, Width));
}
