using Rgsud.Abstractions;
using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// NAFNet (Chen et al., "Simple Baselines for Image Restoration", ECCV 2022) — a port of the <c>NAFNet</c> class
/// of megvii-research/NAFNet <c>basicsr/models/archs/NAFNet_arch.py</c> with the same state-dict names
/// (<c>intro.weight</c>, <c>encoders.0.0.conv1.weight</c>, <c>encoders.0.0.sca.1.weight</c>, <c>downs.0.weight</c>,
/// <c>middle_blks.0.beta</c>, <c>ups.0.0.weight</c>, <c>decoders.3.0.norm2.bias</c>, <c>ending.bias</c>, ...), so
/// released weights load unchanged. The default derainer of CSUD and RGSUD.
/// </summary>
/// <remarks>
/// <c>intro</c> (3×3, 3 → width), then per level a <c>Sequential</c> of NAFBlocks and a 2×2 stride-2 convolution
/// (c → 2c); the middle blocks; per level (deepest first) a 1×1 convolution (c → 2c, no bias) with PixelShuffle(2),
/// the encoder skip added, and NAFBlocks; <c>ending</c> (3×3, width → 3); the output is <c>ending(x) + input</c>.
/// Inputs whose height or width is not a multiple of <c>2^levels</c> are zero-padded on the bottom and right (as
/// NAFNet's <c>check_image_size</c>) and the output is cropped back, so any size works. The output is not clamped.
/// </remarks>
public sealed class NafNet : Module<Tensor, Tensor>, IResidualDerainer
{
    private const int ImageChannels = 3;

#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Conv2d intro;
    private readonly Conv2d ending;
    private readonly ModuleList<Sequential> encoders;
    private readonly ModuleList<Sequential> decoders;
    private readonly Sequential middle_blks;
    private readonly ModuleList<Sequential> ups;
    private readonly ModuleList<Conv2d> downs;
#pragma warning restore IDE1006

    /// <summary>Creates NAFNet with freshly initialised weights (PyTorch's default initialisation).</summary>
    /// <param name="options">Options; null for <see cref="NafNetOptions.Reference"/>.</param>
    /// <exception cref="RgsudException">An option is invalid.</exception>
    public NafNet(NafNetOptions? options = null) : base(nameof(NafNet))
    {
        RgsudRuntime.EnsureInitialized();
        Options = options ?? NafNetOptions.Reference;
        Options.Validate();

        long chan = Options.Width;
        intro = Conv2d(ImageChannels, chan, kernel_size: 3, padding: 1, stride: 1, groups: 1, bias: true);
        ending = Conv2d(chan, ImageChannels, kernel_size: 3, padding: 1, stride: 1, groups: 1, bias: true);
        encoders = new ModuleList<Sequential>();
        decoders = new ModuleList<Sequential>();
        ups = new ModuleList<Sequential>();
        downs = new ModuleList<Conv2d>();
        foreach (var count in Options.EncoderBlocks)
        {
            encoders.Add(Blocks(chan, count, Options.DropoutRate));
            downs.Add(Conv2d(chan, 2 * chan, kernel_size: 2, stride: 2));
            chan *= 2;
        }
        middle_blks = Blocks(chan, Options.MiddleBlocks, Options.DropoutRate);
        foreach (var count in Options.DecoderBlocks)
        {
            ups.Add(Sequential(Conv2d(chan, chan * 2, kernel_size: 1, bias: false), PixelShuffle(2)));
            chan /= 2;
            decoders.Add(Blocks(chan, count, Options.DropoutRate));
        }
        PadderSize = 1 << Options.EncoderBlocks.Count;
        RegisterComponents();
        TensorLayout.ApplyPreferred(this);
    }

    /// <summary>The options this network was built with.</summary>
    public NafNetOptions Options { get; }

    /// <summary>Height and width are padded to a multiple of this (2^levels) inside <see cref="forward"/>.</summary>
    public int PadderSize { get; }

    /// <inheritdoc />
    public void InitializeAsIdentity()
    {
        using var noGrad = no_grad();
        foreach (var p in ending.parameters()) p.zero_();
    }

    /// <summary>Derains <paramref name="input"/> (<c>[N, 3, H, W]</c>, values in [0, 1]); the output has the same shape.</summary>
    /// <exception cref="ArgumentException">The input is not <c>[N, 3, H, W]</c>.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != ImageChannels)
            throw new ArgumentException($"NafNet expects a [N, 3, H, W] tensor, got [{string.Join(", ", input.shape)}]", nameof(input));

        using var scope = NewDisposeScope();
        var padding = PadToMultiple.For(input, PadderSize);
        var inp = padding.Pad(TensorLayout.ToPreferred(input));

        var x = intro.call(inp);
        var skips = new List<Tensor>(encoders.Count);
        for (var i = 0; i < encoders.Count; i++)
        {
            x = encoders[i].call(x);
            skips.Add(x);
            x = downs[i].call(x);
        }
        x = middle_blks.call(x);
        for (var i = 0; i < decoders.Count; i++)
        {
            x = ups[i].call(x);
            x = x + skips[skips.Count - 1 - i];
            x = decoders[i].call(x);
        }
        x = padding.Crop(ending.call(x) + inp);
        return x.MoveToOuterDisposeScope();
    }

    private static Sequential Blocks(long channels, int count, double dropoutRate)
    {
        var seq = Sequential();
        for (var i = 0; i < count; i++) seq.append(new NafBlock(channels, dropoutRate: dropoutRate));
        return seq;
    }
}
