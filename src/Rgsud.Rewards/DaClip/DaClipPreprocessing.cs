using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// CLIP's image preprocessing as DA-CLIP uses it (open_clip <c>image_transform(224, is_train=False)</c>): bicubic
/// resize, centre crop to 224×224 (or, with <see cref="DaClipPreprocess.Resize224"/>, a resize of the whole image to
/// 224×224), then per-channel normalisation with CLIP's <see cref="Mean"/> and <see cref="Std"/>.
/// <para>
/// The resize is libtorch's antialiased bicubic (<c>interpolate(..., mode=bicubic, antialias=True)</c>: the
/// Keys a = −0.5 kernel widened by the scale when shrinking, weights renormalised at the borders), which is the
/// float counterpart of the PIL resize torchvision applies to DA-CLIP's PIL images; results are clamped to [0, 1]
/// as PIL's 8-bit output is. PIL's rounding to 8 bits between its two passes is not reproduced. The output size
/// follows torchvision: the shorter side becomes 224 and the longer <c>⌊224 · long / short⌋</c>; the crop starts at
/// <c>round((size − 224) / 2)</c> (round half to even, as Python's <c>round</c>).
/// </para>
/// </summary>
public static class DaClipPreprocessing
{
    /// <summary>CLIP's (OpenAI's) per-channel mean, RGB.</summary>
    public static IReadOnlyList<double> Mean { get; } = Array.AsReadOnly(new[] { 0.48145466, 0.4578275, 0.40821073 });

    /// <summary>CLIP's (OpenAI's) per-channel standard deviation, RGB.</summary>
    public static IReadOnlyList<double> Std { get; } = Array.AsReadOnly(new[] { 0.26862954, 0.26130258, 0.27577711 });

    /// <summary>The size an <paramref name="height"/>×<paramref name="width"/> image is resized to before any crop.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is smaller than 1.</exception>
    public static (int Height, int Width) ResizedSize(int height, int width, DaClipPreprocess mode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        const int s = DaClipConfig.ImageSize;
        if (mode == DaClipPreprocess.Resize224) return (s, s);
        // torchvision's _compute_resized_output_size: int(size * long / short), in double as Python's true division.
        return height <= width
            ? (s, (int)(s * (double)width / height))
            : ((int)(s * (double)height / width), s);
    }

    /// <summary>The top-left corner of the centre crop of a <paramref name="height"/>×<paramref name="width"/> image (torchvision's <c>center_crop</c>).</summary>
    public static (int Top, int Left) CropOrigin(int height, int width)
    {
        const int s = DaClipConfig.ImageSize;
        return ((int)Math.Round((height - s) / 2.0, MidpointRounding.ToEven), (int)Math.Round((width - s) / 2.0, MidpointRounding.ToEven));
    }

    /// <summary>
    /// Preprocesses a batch <c>[N,3,H,W]</c> of RGB images in [0,1] (any floating type, any device) into the towers'
    /// input: a new float32 tensor <c>[N,3,224,224]</c> on the same device.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not a floating-point <c>[N,3,H,W]</c> batch.</exception>
    public static Tensor Apply(Tensor images, DaClipPreprocess mode = DaClipPreprocess.CenterCrop)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"expected a batch [N,3,H,W], got [{string.Join(",", images.shape)}]", nameof(images));
        if (!images.is_floating_point())
            throw new ArgumentException($"expected a floating-point batch, got {images.dtype}", nameof(images));
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown preprocessing");
        int h = checked((int)images.shape[2]), w = checked((int)images.shape[3]);
        var (rh, rw) = ResizedSize(h, w, mode);

        using var scope = NewDisposeScope();
        var x = images.detach().to_type(ScalarType.Float32).clamp(0, 1);
        if (rh != h || rw != w)
        {
            x = nn.functional.interpolate(x.contiguous(), size: [rh, rw], mode: InterpolationMode.Bicubic,
                align_corners: false, antialias: true).clamp(0, 1);
        }
        if (mode == DaClipPreprocess.CenterCrop)
        {
            var (top, left) = CropOrigin(rh, rw);
            x = x.narrow(2, top, DaClipConfig.ImageSize).narrow(3, left, DaClipConfig.ImageSize);
        }
        var mean = tensor(Mean.Select(v => (float)v).ToArray(), ScalarType.Float32).view(1, 3, 1, 1).to(x.device);
        var std = tensor(Std.Select(v => (float)v).ToArray(), ScalarType.Float32).view(1, 3, 1, 1).to(x.device);
        return x.sub(mean).div(std).contiguous().MoveToOuterDisposeScope();
    }
}
