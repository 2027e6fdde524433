using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Generators;

/// <summary>
/// A 2-D convolution with spectral normalisation (Miyato et al., ICLR 2018), equivalent to PyTorch's
/// <c>torch.nn.utils.spectral_norm(nn.Conv2d(...))</c> (one power iteration per training forward, ε = 1e-12)
/// and with its state-dict names: parameters <c>weight_orig</c> and <c>bias</c>, buffers <c>weight_u</c>
/// (<c>[out]</c>) and <c>weight_v</c> (<c>[in·k·k]</c>). TorchSharp 0.107 has no <c>spectral_norm</c>.
/// </summary>
/// <remarks>
/// In training mode each forward updates u and v in place (without gradient) by one power iteration on
/// <c>W = weight_orig.reshape(out, −1)</c>; the convolution then uses <c>weight_orig / σ</c> with
/// <c>σ = uᵀ W v</c> (gradients flow through σ into <c>weight_orig</c>, u and v are constants). In evaluation
/// mode the stored u and v are used unchanged.
/// </remarks>
internal sealed class SpectralNormConv2d : Module<Tensor, Tensor>
{
    private const double Eps = 1e-12;

#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Parameter weight_orig;
    private readonly Parameter? bias;
    private readonly Tensor weight_u;
    private readonly Tensor weight_v;
#pragma warning restore IDE1006
    private readonly long stride;
    private readonly long padding;

    public SpectralNormConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool hasBias = true)
        : base(nameof(SpectralNormConv2d))
    {
        this.stride = stride;
        this.padding = padding;
        // PyTorch's default Conv2d initialisation, then spectral_norm's random unit u and v.
        using (var conv = Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: hasBias))
        using (no_grad())
        {
            weight_orig = new Parameter(conv.weight!.detach().clone());
            bias = hasBias ? new Parameter(conv.bias!.detach().clone()) : null;
        }
        using (var u = randn(outChannels)) weight_u = Normalize(u);
        using (var v = randn(inChannels * kernelSize * kernelSize)) weight_v = Normalize(v);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var outChannels = weight_orig.shape[0];
        var matrix = weight_orig.reshape(outChannels, -1);
        if (training)
        {
            using var noGrad = no_grad();
            var v = Normalize(matrix.t().mv(weight_u));
            var u = Normalize(matrix.mv(v));
            weight_v.copy_(v);
            weight_u.copy_(u);
        }
        // Clones: the buffers change in place at the next training forward, the graph must keep these values.
        var uc = weight_u.clone();
        var vc = weight_v.clone();
        var sigma = uc.dot(matrix.mv(vc));
        var weight = weight_orig / sigma;
        var result = functional.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding]);
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor Normalize(Tensor x) => x / x.norm(0, keepdim: false, p: 2).clamp_min(Eps);
}
