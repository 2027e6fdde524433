using Rgsud.Data;
using static TorchSharp.torch;

namespace Rgsud.Synthesis;

/// <summary>
/// Renders synthetic rain: anti-aliased, tapered streaks at a common angle (with jitter), lengths, widths and
/// opacities drawn around <see cref="RainStreakOptions"/>, accumulated with a screen blend and softened by a
/// Gaussian blur, then put on images with <see cref="RainBlend.Screen"/> or <see cref="RainBlend.Additive"/>.
/// Deterministic: the same options (seed included), image size and index give the same layer, bit for bit, on
/// every machine (the streaks are drawn in managed code from a SplitMix64 sequence, not by libtorch).
/// Use it to make synthetic test sets: <c>renderer.Apply(cleanImages)</c> gives the rainy partners.
/// </summary>
public sealed class RainStreakRenderer
{
    /// <summary>Creates a renderer.</summary>
    /// <param name="options">The rain's parameters; the defaults when null.</param>
    /// <exception cref="RgsudException">An option is out of range.</exception>
    public RainStreakRenderer(RainStreakOptions? options = null)
    {
        Options = options ?? new RainStreakOptions();
        Options.Validate();
    }

    /// <summary>The rain's parameters.</summary>
    public RainStreakOptions Options { get; }

    /// <summary>
    /// The rain layer for an image of <paramref name="height"/>×<paramref name="width"/>: a float32 CPU tensor
    /// <c>[1,1,H,W]</c> with values in [0,1] (0: no rain). <paramref name="index"/> selects an independent draw
    /// for the same seed (pass the image's number when rendering a set).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the image has over 2^31 pixels.</exception>
    public Tensor RenderLayer(int height, int width, long index = 0)
    {
        var pixels = RenderLayerPixels(height, width, index);
        return tensor(pixels, [1, 1, height, width], ScalarType.Float32);
    }

    /// <summary>
    /// The rain layer as a row-major <c>float[height * width]</c> array with values in [0,1] (what
    /// <see cref="RenderLayer"/> wraps in a tensor).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the image has over 2^31 pixels.</exception>
    public float[] RenderLayerPixels(int height, int width, long index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)height * width > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(height), "the image has more than 2^31 pixels");
        var o = Options;
        var layer = new float[height * width];
        var random = new ResumableRandom(unchecked((ulong)o.Seed * 0xD1B54A32D192ED03UL ^ (ulong)index * 0x9E3779B97F4A7C15UL ^ 0x5851F42D4C957F2DUL));

        // Streak centres are spread over the image grown by half the longest streak on every side, so streaks that
        // enter from outside are as frequent at the borders as in the middle.
        double margin = o.Length * (1 + o.LengthJitter) / 2 + o.Width;
        double area = (width + 2 * margin) * (height + 2 * margin);
        double expected = o.Density * area / 10_000;
        long count = (long)Math.Floor(expected);
        if (random.NextDouble() < expected - count) count++;

        for (long s = 0; s < count; s++)
        {
            double cx = -margin + random.NextDouble() * (width + 2 * margin);
            double cy = -margin + random.NextDouble() * (height + 2 * margin);
            double angle = (o.AngleDegrees + (2 * random.NextDouble() - 1) * o.AngleJitterDegrees) * Math.PI / 180;
            double length = o.Length * (1 + (2 * random.NextDouble() - 1) * o.LengthJitter);
            double opacity = Math.Clamp(o.Opacity * (1 + (2 * random.NextDouble() - 1) * o.OpacityJitter), 0, 1);
            DrawStreak(layer, height, width, cx, cy, Math.Sin(angle), Math.Cos(angle), length / 2, o.Width / 2, opacity);
        }

        if (o.Blur >= 0.05) GaussianBlur(layer, height, width, o.Blur);
        return layer;
    }

    /// <summary>
    /// Puts rain on images: <c>[N,3,H,W]</c> or <c>[3,H,W]</c> in [0,1] (any floating type, any device). Image
    /// <c>i</c> gets the layer of index <c>firstIndex + i</c>. Returns a new float32 tensor of the input's shape
    /// on the input's device, clamped to [0,1].
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not an RGB image or batch.</exception>
    public Tensor Apply(Tensor images, long firstIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        bool single = images.dim() == 3;
        if (!(images.dim() == 4 || single) || images.shape[^3] != 3 || !images.is_floating_point())
            throw new ArgumentException($"expected floating-point [N,3,H,W] or [3,H,W] images, got {images.dtype} [{string.Join(",", images.shape)}]", nameof(images));
        long h = images.shape[^2], w = images.shape[^1];
        if (h > int.MaxValue || w > int.MaxValue) throw new ArgumentException("the image is too large", nameof(images));
        using var scope = NewDisposeScope();
        var batch = single ? images.unsqueeze(0) : images;
        var outputs = new List<Tensor>((int)batch.shape[0]);
        for (long i = 0; i < batch.shape[0]; i++)
        {
            var layer = RenderLayer((int)h, (int)w, firstIndex + i).to(images.device);
            outputs.Add(Composite(batch[i].unsqueeze(0), layer, Options.Blend));
        }
        var result = cat(outputs, 0);
        if (single) result = result.squeeze(0);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Composites a rain layer (<c>[N or 1, 1, H, W]</c>, values in [0,1]) on images (<c>[N,3,H,W]</c> in [0,1]),
    /// the same layer value on every channel. Returns a new float32 tensor clamped to [0,1].
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or <paramref name="blend"/> is unknown.</exception>
    public static Tensor Composite(Tensor images, Tensor layer, RainBlend blend)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(layer);
        if (images.dim() != 4 || layer.dim() != 4 || layer.shape[1] != 1 || images.shape[2] != layer.shape[2] || images.shape[3] != layer.shape[3])
            throw new ArgumentException($"expected images [N,3,H,W] and a layer [N,1,H,W] of the same size, got [{string.Join(",", images.shape)}] and [{string.Join(",", layer.shape)}]");
        using var scope = NewDisposeScope();
        var b = images.to(float32);
        var r = layer.to(float32).to(images.device).clamp(0, 1);
        var result = blend switch
        {
            RainBlend.Screen => 1 - (1 - b.clamp(0, 1)) * (1 - r),
            RainBlend.Additive => (b + r).clamp(0, 1),
            _ => throw new ArgumentException($"unknown blend {(int)blend}", nameof(blend)),
        };
        return result.clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Draws one tapered, anti-aliased segment centred at (cx, cy) along (dx, dy), screen-accumulated.</summary>
    private static void DrawStreak(float[] layer, int height, int width, double cx, double cy, double dx, double dy,
        double half, double halfWidth, double opacity)
    {
        double reach = halfWidth + 1;
        int x0 = (int)Math.Floor(cx - Math.Abs(dx) * half - reach), x1 = (int)Math.Ceiling(cx + Math.Abs(dx) * half + reach);
        int y0 = (int)Math.Floor(cy - Math.Abs(dy) * half - reach), y1 = (int)Math.Ceiling(cy + Math.Abs(dy) * half + reach);
        x0 = Math.Max(x0, 0);
        y0 = Math.Max(y0, 0);
        x1 = Math.Min(x1, width - 1);
        y1 = Math.Min(y1, height - 1);
        for (int y = y0; y <= y1; y++)
        {
            double ry = y + 0.5 - cy;
            int row = y * width;
            for (int x = x0; x <= x1; x++)
            {
                double rx = x + 0.5 - cx;
                double t = rx * dx + ry * dy;
                double tc = Math.Clamp(t, -half, half);
                double px = rx - tc * dx, py = ry - tc * dy;
                double distance = Math.Sqrt(px * px + py * py);
                double cover = Math.Clamp(halfWidth + 0.5 - distance, 0, 1) * Math.Min(1, 2 * halfWidth);
                if (cover <= 0) continue;
                double u = tc / half;
                double value = opacity * cover * (1 - u * u * 0.85);
                ref float p = ref layer[row + x];
                p = (float)(1 - (1 - p) * (1 - value));
            }
        }
    }

    /// <summary>Separable Gaussian blur with clamped borders, in place.</summary>
    private static void GaussianBlur(float[] data, int height, int width, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += kernel[i + radius] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < kernel.Length; i++) kernel[i] = (float)(kernel[i] / sum);

        var line = new float[Math.Max(width, height)];
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            Array.Copy(data, row, line, 0, width);
            for (int x = 0; x < width; x++)
            {
                float acc = 0;
                for (int k = -radius; k <= radius; k++) acc += kernel[k + radius] * line[Math.Clamp(x + k, 0, width - 1)];
                data[row + x] = acc;
            }
        }
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++) line[y] = data[y * width + x];
            for (int y = 0; y < height; y++)
            {
                float acc = 0;
                for (int k = -radius; k <= radius; k++) acc += kernel[k + radius] * line[Math.Clamp(y + k, 0, height - 1)];
                data[y * width + x] = Math.Clamp(acc, 0f, 1f);
            }
        }
    }
}
