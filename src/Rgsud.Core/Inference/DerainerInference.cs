using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Inference;

/// <summary>
/// Runs a derainer on whole images without gradients, in eval mode, in Rgsud's layout; images above
/// <see cref="TilingOptions.TileAbovePixels"/> are processed tile by tile with blended overlaps (see
/// <see cref="TilingOptions.Overlap"/>), so
/// memory is bounded by the tile size rather than the image size.
/// </summary>
public static class DerainerInference
{
    /// <summary>
    /// Derains <paramref name="images"/> (<c>[N,3,H,W]</c> in [0,1], any device; moved to
    /// <paramref name="device"/> tile by tile). Returns a new float32 tensor on the input's device, clamped to [0,1].
    /// The module's training mode is restored afterwards.
    /// </summary>
    public static Tensor Derain(nn.Module<Tensor, Tensor> derainer, Tensor images, Device? device = null, TilingOptions? tiling = null)
    {
        ArgumentNullException.ThrowIfNull(derainer);
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"expected [N,3,H,W] images, got [{string.Join(",", images.shape)}]", nameof(images));
        tiling ??= TilingOptions.Default;
        tiling.Validate();
        RgsudRuntime.EnsureInitialized();
        device ??= images.device;
        bool wasTraining = derainer.training;
        derainer.eval();
        try
        {
            using var noGrad = no_grad();
            long h = images.shape[2], w = images.shape[3];
            if (h * w <= tiling.TileAbovePixels || (h <= tiling.TileSize && w <= tiling.TileSize))
                return RunWhole(derainer, images, device);
            return RunTiled(derainer, images, device, tiling);
        }
        finally
        {
            derainer.train(wasTraining);
        }
    }

    private static Tensor RunWhole(nn.Module<Tensor, Tensor> derainer, Tensor images, Device device)
    {
        using var scope = NewDisposeScope();
        var x = TensorLayout.ToPreferred(images.to(float32).to(device));
        var y = derainer.call(x).clamp(0, 1).to(images.device).contiguous();
        return y.MoveToOuterDisposeScope();
    }

    private static Tensor RunTiled(nn.Module<Tensor, Tensor> derainer, Tensor images, Device device, TilingOptions tiling)
    {
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        int tile = tiling.TileSize, overlap = tiling.Overlap;
        var output = zeros([n, 3, h, w], dtype: float32, device: images.device);
        var weight = zeros([1, 1, h, w], dtype: float32, device: images.device);
        foreach (var (y0, th) in Starts(h, tile, overlap))
        {
            foreach (var (x0, tw) in Starts(w, tile, overlap))
            {
                using var scope = NewDisposeScope();
                var patch = images.narrow(2, y0, th).narrow(3, x0, tw).to(float32).to(device);
                var result = derainer.call(TensorLayout.ToPreferred(patch)).clamp(0, 1).to(images.device);
                var ramp = Ramp(th, tw, overlap, top: y0 > 0, left: x0 > 0, bottom: y0 + th < h, right: x0 + tw < w, images.device);
                output.narrow(2, y0, th).narrow(3, x0, tw).add_(result * ramp);
                weight.narrow(2, y0, th).narrow(3, x0, tw).add_(ramp);
            }
        }
        output.div_(weight);
        weight.Dispose();
        return output;
    }

    /// <summary>Tile starts and sizes covering [0, length) with at least <paramref name="overlap"/> shared pixels.</summary>
    internal static IEnumerable<(long Start, long Size)> Starts(long length, int tile, int overlap)
    {
        if (length <= tile)
        {
            yield return (0, length);
            yield break;
        }
        long stride = tile - overlap;
        long count = (long)Math.Ceiling((double)(length - tile) / stride) + 1;
        for (long i = 0; i < count; i++)
        {
            long start = Math.Min(i * stride, length - tile);
            yield return (start, tile);
        }
    }

    /// <summary>
    /// A tile's blending weights. Along an edge shared with a neighbouring tile the weight is 0 for the outer
    /// quarter of the overlap (where the network sees the tile's artificial border — zero padding — and is least
    /// like its whole-image self), then rises linearly to 1 across the middle half, mirrored by the neighbour so
    /// that the weights of the overlap always sum to a positive value. Image borders keep weight 1.
    /// </summary>
    internal static Tensor Ramp(long th, long tw, int overlap, bool top, bool left, bool bottom, bool right, Device device)
    {
        Tensor Axis(long size, bool rampStart, bool rampEnd)
        {
            var a = ones(size, dtype: float32);
            if (overlap > 0)
            {
                var up = RampUp(overlap);
                if (rampStart) a[..overlap] = up;
                if (rampEnd) a[(int)(size - overlap)..] = up.flip(0);
            }
            return a;
        }
        var ry = Axis(th, top, bottom).view(th, 1);
        var rx = Axis(tw, left, right).view(1, tw);
        return (ry * rx).view(1, 1, th, tw).to(device);
    }

    /// <summary>The weights across an overlap of <paramref name="overlap"/> pixels, from the tile's edge inwards.</summary>
    internal static Tensor RampUp(int overlap)
    {
        int skip = overlap / 4;
        int rise = overlap - 2 * skip;
        var w = new float[overlap];
        for (int d = 0; d < overlap; d++)
            w[d] = d < skip ? 0f : d < skip + rise ? (d - skip + 1f) / (rise + 1f) : 1f;
        return tensor(w);
    }
}
