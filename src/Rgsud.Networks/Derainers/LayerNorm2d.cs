using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// Layer normalisation over the channel dimension of <c>[N, C, H, W]</c> (NAFNet's <c>LayerNorm2d</c>; also the
/// body of Restormer's <c>WithBias_LayerNorm</c>): <c>y = weight · (x − μ) / √(σ² + eps) + bias</c>, with μ and the
/// biased variance σ² taken over the channels of each pixel. Parameters <c>weight</c> (ones) and <c>bias</c>
/// (zeros) have shape <c>[C]</c>. Works in any memory layout and keeps channels-last tensors channels-last.
/// </summary>
public sealed class LayerNorm2d : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Parameter weight;
    private readonly Parameter bias;
#pragma warning restore IDE1006
    private readonly long channels;

    /// <summary>Creates the normalisation for <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Number of channels C.</param>
    /// <param name="eps">The ε added to the variance (NAFNet: 1e-6, Restormer: 1e-5).</param>
    public LayerNorm2d(long channels, double eps = 1e-6) : base(nameof(LayerNorm2d))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eps);
        this.channels = channels;
        Eps = eps;
        weight = new Parameter(ones(channels));
        bias = new Parameter(zeros(channels));
        RegisterComponents();
    }

    /// <summary>The ε added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Normalises <paramref name="input"/> (<c>[N, C, H, W]</c>) over its channels.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != channels)
            throw new ArgumentException($"LayerNorm2d({channels}) expects [N, {channels}, H, W], got [{string.Join(", ", input.shape)}]", nameof(input));
        using var scope = NewDisposeScope();
        var mu = input.mean([1], keepdim: true);
        var centered = input - mu;
        var variance = centered.square().mean([1], keepdim: true);
        var normalized = centered * (variance + Eps).rsqrt();
        var result = normalized * weight.view(1, channels, 1, 1) + bias.view(1, channels, 1, 1);
        return result.MoveToOuterDisposeScope();
    }
}
