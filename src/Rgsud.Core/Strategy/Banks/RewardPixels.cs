using System.Globalization;
using System.Runtime.InteropServices;
using Rgsud.Abstractions;
using Rgsud.Imaging;
using Rgsud.Runtime;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Strategy.Banks;

/// <summary>Conversions between candidate tensors, stored 8-bit pixels and float32 reward tensors.</summary>
internal static class RewardPixels
{
    /// <summary>The largest reward accepted (width × height), the default limit of <see cref="ImageIO"/>.</summary>
    internal static readonly long MaxPixels = ImageReadOptions.Default.MaxPixels;

    /// <summary>v / 255 for every byte value (the same floats <see cref="ImageIO.FromImage"/> makes).</summary>
    private static readonly float[] ByteToFloat = Enumerable.Range(0, 256).Select(static v => v / 255f).ToArray();

    /// <summary>Checks a candidate's shape and type; returns its width and height.</summary>
    public static (int Width, int Height) CheckCandidate(Tensor candidate, string paramName)
    {
        ArgumentNullException.ThrowIfNull(candidate, paramName);
        var shape = candidate.shape;
        bool ok = (shape.Length == 3 && shape[0] == 3) || (shape.Length == 4 && shape[0] == 1 && shape[1] == 3);
        if (!ok)
        {
            throw new ArgumentException($"A reward candidate must be an RGB image tensor [3,H,W] or [1,3,H,W]; got [{string.Join(",", shape)}].", paramName);
        }

        if (!candidate.is_floating_point())
        {
            throw new ArgumentException($"A reward candidate must be a floating-point tensor with values in [0,1]; got {candidate.dtype}.", paramName);
        }

        long height = shape[^2], width = shape[^1];
        if (height <= 0 || width <= 0) throw new ArgumentException("A reward candidate must not be empty (zero width or height).", paramName);
        if (height * width > MaxPixels)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A reward candidate of {width}x{height} pixels is larger than the limit of {MaxPixels} pixels."), paramName);
        }

        return ((int)width, (int)height);
    }

    /// <summary>
    /// Quantises a checked candidate to 8 bits with the rule of <see cref="ImageIO.WritePng"/>: the tensor is
    /// converted to float32 on the CPU, then each value becomes <c>round(clamp(x, 0, 1) · 255)</c> with the
    /// product taken in float32 and rounding half to even (NaN becomes 0, +∞ 255, −∞ 0) — bit for bit what
    /// <c>nan_to_num(0).clamp(0,1).mul(255).round()</c> gives, without its temporaries. Channels-last and
    /// contiguous NCHW float32 CPU inputs are read in place; other layouts are first made contiguous.
    /// </summary>
    public static RewardImage Quantize(Tensor candidate, int width, int height)
    {
        using var scope = torch.NewDisposeScope();
        var chw = (candidate.dim() == 4 ? candidate[0] : candidate.alias()).detach().to(DeviceType.CPU).to_type(ScalarType.Float32);
        var hwcView = chw.permute(1, 2, 0);
        bool channelsLast = hwcView.is_contiguous();
        var dense = channelsLast ? hwcView : chw.contiguous();
        var values = MemoryMarshal.Cast<byte, float>(dense.bytes);
        var bytes = new byte[checked(width * height * 3)];
        if (values.Length != bytes.Length) throw new InvalidOperationException("Unexpected candidate storage size.");
        if (channelsLast)
        {
            for (int i = 0; i < values.Length; i++) bytes[i] = ToByte(values[i]);
        }
        else
        {
            int plane = width * height;
            for (int p = 0, o = 0; p < plane; p++, o += 3)
            {
                bytes[o] = ToByte(values[p]);
                bytes[o + 1] = ToByte(values[plane + p]);
                bytes[o + 2] = ToByte(values[2 * plane + p]);
            }
        }

        return new RewardImage(bytes, width, height);
    }

    /// <summary><c>round(clamp(v, 0, 1) · 255)</c> in float32, half to even; NaN and negatives give 0.</summary>
    private static byte ToByte(float v)
    {
        v = v > 0f ? (v < 1f ? v : 1f) : 0f;
        return (byte)MathF.Round(v * 255f, MidpointRounding.ToEven);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="box"/> lies inside the image.</summary>
    public static void CheckBox(string id, CropBox box, int width, int height)
    {
        bool inside = box.X >= 0 && box.Y >= 0 && box.Width > 0 && box.Height > 0
            && (long)box.X + box.Width <= width && (long)box.Y + box.Height <= height;
        if (!inside)
        {
            throw new ArgumentOutOfRangeException(nameof(box), box, string.Create(CultureInfo.InvariantCulture,
                $"The crop (x={box.X}, y={box.Y}, width={box.Width}, height={box.Height}) of reward {RewardIds.Describe(id)} does not lie inside its {width}x{height} image."));
        }
    }

    /// <summary>The whole image as a new float32 CPU tensor [1,3,H,W] (contiguous NCHW), values v/255.</summary>
    public static Tensor ToTensor(RewardImage image) => ToTensor(image, new CropBox(0, 0, image.Width, image.Height));

    /// <summary>The part of the image inside a checked <paramref name="box"/> as a new float32 CPU tensor [1,3,h,w].</summary>
    public static Tensor ToTensor(RewardImage image, CropBox box)
    {
        int w = box.Width, h = box.Height, plane = checked(w * h);
        var data = new float[checked(3 * plane)];
        var src = image.Hwc;
        var lut = ByteToFloat;
        for (int y = 0; y < h; y++)
        {
            int s = ((box.Y + y) * image.Width + box.X) * 3;
            int o = y * w;
            for (int x = 0; x < w; x++, s += 3)
            {
                data[o + x] = lut[src[s]];
                data[plane + o + x] = lut[src[s + 1]];
                data[2 * plane + o + x] = lut[src[s + 2]];
            }
        }

        RgsudRuntime.EnsureInitialized();
        var result = torch.empty(new long[] { 1, 3, h, w }, ScalarType.Float32);
        result.bytes = MemoryMarshal.AsBytes(data.AsSpan());
        return result;
    }

    /// <summary>An 8-bit image's pixels as a reward (for decoded files).</summary>
    public static RewardImage FromRgb24(SixLabors.ImageSharp.Image<Rgb24> image)
    {
        var hwc = new byte[checked(image.Width * image.Height * 3)];
        image.CopyPixelDataTo(hwc.AsSpan());
        return new RewardImage(hwc, image.Width, image.Height);
    }
}
