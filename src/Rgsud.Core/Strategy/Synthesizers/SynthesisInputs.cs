using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Strategy.Synthesizers;

/// <summary>Checks and layout helpers shared by the pseudo-pair synthesizers.</summary>
internal static class SynthesisInputs
{
    /// <summary>Throws unless the three tensors are <c>[N,3,h,w]</c> with one shape and one device.</summary>
    public static void Validate(Tensor rainy, Tensor rewards, Tensor clean)
    {
        ArgumentNullException.ThrowIfNull(rainy);
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(clean);
        bool ok = rainy.dim() == 4 && rainy.shape[1] == 3
            && rainy.shape.SequenceEqual(rewards.shape) && rainy.shape.SequenceEqual(clean.shape);
        if (!ok)
        {
            throw new ArgumentException(
                $"rainy, rewards and clean crops must all be [N,3,h,w] with the same shape; got rainy {Shape(rainy)}, " +
                $"rewards {Shape(rewards)}, clean {Shape(clean)}");
        }
        if (!SameDevice(rainy, rewards) || !SameDevice(rainy, clean))
        {
            throw new ArgumentException(
                $"rainy, rewards and clean crops must be on one device; got rainy on {rainy.device}, rewards on " +
                $"{rewards.device}, clean on {clean.device}");
        }
    }

    /// <summary>True when both tensors are on the same device (type and index).</summary>
    public static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;

    /// <summary>
    /// <paramref name="x"/> with the memory layout of <paramref name="like"/> (channels-last or contiguous NCHW);
    /// a new tensor handle either way.
    /// </summary>
    public static Tensor MatchLayout(Tensor x, Tensor like)
    {
        bool wantChannelsLast = TensorLayout.IsChannelsLast(like) && !like.is_contiguous();
        if (wantChannelsLast) return TensorLayout.IsChannelsLast(x) ? x.alias() : TensorLayout.ToChannelsLast(x);
        return like.is_contiguous() && !x.is_contiguous() ? x.contiguous() : x.alias();
    }

    /// <summary>A shape as <c>[2,3,64,64]</c> for messages.</summary>
    public static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
