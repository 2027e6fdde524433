using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// NAFNet's nonlinear-activation-free block (Chen et al., "Simple Baselines for Image Restoration", ECCV 2022),
/// a port of <c>NAFBlock</c> of megvii-research/NAFNet <c>NAFNet_arch.py</c> with the same state-dict names:
/// <c>norm1, conv1, conv2, sg, sca, conv3, dropout1, beta; norm2, conv4, sg, conv5, dropout2, gamma</c>.
/// </summary>
/// <remarks>
/// <c>x = conv3(sca(g) · g)</c> with <c>g = SimpleGate(conv2(conv1(norm1(inp))))</c>; <c>y = inp + β · x</c>;
/// <c>out = y + γ · conv5(SimpleGate(conv4(norm2(y))))</c>. β and γ (<c>[1, C, 1, 1]</c>) start at zero, so a
/// fresh block is the identity. Parameters: 7C² + 33C.
/// </remarks>
public sealed class NafBlock : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly Sequential sca;
    private readonly SimpleGate sg;
    private readonly Conv2d conv4;
    private readonly Conv2d conv5;
    private readonly LayerNorm2d norm1;
    private readonly LayerNorm2d norm2;
    private readonly Module<Tensor, Tensor> dropout1;
    private readonly Module<Tensor, Tensor> dropout2;
    private readonly Parameter beta;
    private readonly Parameter gamma;
#pragma warning restore IDE1006

    /// <summary>Creates a block with <paramref name="channels"/> channels (NAFNet's defaults: DW and FFN expansion 2).</summary>
    /// <param name="channels">Channels C of the input and output.</param>
    /// <param name="dwExpand">Expansion of the depthwise branch (2C channels before SimpleGate for 2).</param>
    /// <param name="ffnExpand">Expansion of the feed-forward branch.</param>
    /// <param name="dropoutRate">Dropout after conv3 and conv5 (0: identity).</param>
    public NafBlock(long channels, int dwExpand = 2, int ffnExpand = 2, double dropoutRate = 0) : base(nameof(NafBlock))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dwExpand, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ffnExpand, 1);
        if (dropoutRate is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropoutRate), dropoutRate, "must be in [0, 1)");
        if (channels * dwExpand % 2 != 0 || channels * ffnExpand % 2 != 0)
            throw new ArgumentException("channels × expansion must be even (SimpleGate halves it)", nameof(channels));

        var dw = channels * dwExpand;
        var ffn = channels * ffnExpand;
        Channels = channels;
        conv1 = Conv2d(channels, dw, kernel_size: 1, stride: 1, groups: 1, bias: true);
        conv2 = Conv2d(dw, dw, kernel_size: 3, padding: 1, stride: 1, groups: dw, bias: true);
        conv3 = Conv2d(dw / 2, channels, kernel_size: 1, stride: 1, groups: 1, bias: true);
        sca = Sequential(AdaptiveAvgPool2d(1), Conv2d(dw / 2, dw / 2, kernel_size: 1, stride: 1, groups: 1, bias: true));
        sg = new SimpleGate();
        conv4 = Conv2d(channels, ffn, kernel_size: 1, stride: 1, groups: 1, bias: true);
        conv5 = Conv2d(ffn / 2, channels, kernel_size: 1, stride: 1, groups: 1, bias: true);
        norm1 = new LayerNorm2d(channels);
        norm2 = new LayerNorm2d(channels);
        dropout1 = dropoutRate > 0 ? Dropout(dropoutRate) : Identity();
        dropout2 = dropoutRate > 0 ? Dropout(dropoutRate) : Identity();
        beta = new Parameter(zeros(1, channels, 1, 1));
        gamma = new Parameter(zeros(1, channels, 1, 1));
        RegisterComponents();
    }

    /// <summary>Channels C of the block.</summary>
    public long Channels { get; }

    /// <summary>Applies the block to <paramref name="input"/> (<c>[N, C, H, W]</c>); the output has the same shape.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var x = norm1.call(input);
        x = conv1.call(x);
        x = conv2.call(x);
        x = sg.call(x);
        x = x * sca.call(x);
        x = conv3.call(x);
        x = dropout1.call(x);
        var y = input + x * beta;

        x = conv4.call(norm2.call(y));
        x = sg.call(x);
        x = conv5.call(x);
        x = dropout2.call(x);
        var result = y + x * gamma;
        return result.MoveToOuterDisposeScope();
    }
}
