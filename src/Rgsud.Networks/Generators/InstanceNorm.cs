using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Generators;

/// <summary>
/// Instance normalisation without affine parameters or running statistics — what PyTorch's
/// <c>nn.InstanceNorm2d(C)</c> computes by default (<c>(x − μ) / √(σ² + 1e-5)</c>, μ and the biased σ² over the
/// height and width of each sample and channel) — written with reductions so that channels-last tensors stay
/// channels-last (TorchSharp's InstanceNorm2d returns NCHW tensors). It has no state, like the PyTorch module.
/// </summary>
internal sealed class InstanceNorm : Module<Tensor, Tensor>
{
    private const double Eps = 1e-5;

    public InstanceNorm() : base(nameof(InstanceNorm))
    {
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var mu = input.mean([2L, 3L], keepdim: true);
        var centered = input - mu;
        var variance = centered.square().mean([2L, 3L], keepdim: true);
        return (centered * (variance + Eps).rsqrt()).MoveToOuterDisposeScope();
    }
}
