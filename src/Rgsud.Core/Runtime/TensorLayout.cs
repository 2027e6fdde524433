using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Runtime;

/// <summary>
/// The memory layout Rgsud gives 4-D image tensors and convolution weights. On the CPU this is channels-last
/// (NHWC strides under the logical NCHW shape): it avoids a libtorch 2.10 / oneDNN fault in NCHW convolution
/// gradients on some CPUs and is the faster path (see docs/troubleshooting.md).
/// </summary>
public static class TensorLayout
{
    /// <summary>True when <paramref name="x"/> is 4-D and already has channels-last strides.</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4) return false;
        var s = x.stride();
        var shape = x.shape;
        // NHWC strides: C is innermost.
        return (shape[1] == 1 || s[1] == 1) && s[3] == (shape[1] == 1 ? s[3] : shape[1]) && s[2] == shape[3] * s[3];
    }

    /// <summary>
    /// Returns <paramref name="x"/> with channels-last strides (same logical NCHW shape) when it is 4-D and
    /// <see cref="RgsudRuntime.Layout"/> is <see cref="MemoryLayout.ChannelsLast"/>; otherwise returns it unchanged.
    /// The result is a new tensor unless <paramref name="x"/> is already in that layout.
    /// </summary>
    public static Tensor ToPreferred(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        RgsudRuntime.EnsureInitialized();
        if (x.dim() != 4 || RgsudRuntime.Layout != MemoryLayout.ChannelsLast || IsChannelsLast(x)) return x.alias();
        return ToChannelsLast(x);
    }

    /// <summary>Returns a channels-last copy of a 4-D tensor (NHWC strides, NCHW shape).</summary>
    public static Tensor ToChannelsLast(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4) throw new ArgumentException($"expected a 4-D tensor, got {x.dim()}-D", nameof(x));
        using var nhwc = x.permute(0, 2, 3, 1);
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }

    /// <summary>
    /// Prepares <paramref name="module"/> for Rgsud's layout (call after building or loading a model and before
    /// creating its optimizer). Channels-last <em>activations</em> (<see cref="ToPreferred"/>) are what avoid the
    /// oneDNN fault and select libtorch's fast NHWC kernels; weights are converted too only when
    /// <see cref="RuntimeOptions.ChannelsLastWeights"/> is set, because standard-layout weights keep state dicts,
    /// optimiser state and checkpoints serialisable by every tool.
    /// </summary>
    public static void ApplyPreferred(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var report = RgsudRuntime.EnsureInitialized();
        if (report.Layout == MemoryLayout.ChannelsLast && report.ChannelsLastWeights) ConvertWeightsToChannelsLast(module);
    }

    /// <summary>Converts every 4-D parameter of <paramref name="module"/> to channels-last strides in place.</summary>
    public static void ConvertWeightsToChannelsLast(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var noGrad = torch.no_grad();
        foreach (var p in module.parameters())
        {
            if (p.dim() != 4 || IsChannelsLast(p)) continue;
            using var cl = ToChannelsLast(p);
            p.set_(cl);
        }
    }
}
