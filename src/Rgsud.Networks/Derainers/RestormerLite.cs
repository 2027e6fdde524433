using Rgsud.Abstractions;
using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// Restormer (Zamir et al., "Restormer: Efficient Transformer for High-Resolution Image Restoration", CVPR 2022)
/// — a port of the <c>Restormer</c> class of swz30/Restormer <c>basicsr/models/archs/restormer_arch.py</c>
/// (single-image variant, WithBias layer norm) with the same state-dict names (<c>patch_embed.proj.weight</c>,
/// <c>encoder_level1.0.norm1.body.weight</c>, <c>encoder_level1.0.attn.temperature</c>,
/// <c>down1_2.body.0.weight</c>, <c>latent.0.ffn.project_in.weight</c>, <c>up4_3.body.0.weight</c>,
/// <c>reduce_chan_level3.weight</c>, <c>refinement.0.attn.qkv.weight</c>, <c>output.weight</c>, ...), so released
/// weights load unchanged. "Lite" refers to the <see cref="RestormerLiteOptions.Small"/> preset for CPUs; the
/// default options are the published model.
/// </summary>
/// <remarks>
/// A 4-level U-Net of transformer blocks (MDTA + GDFN). Downsampling is a 3×3 conv halving the channels and
/// PixelUnshuffle(2); upsampling a 3×3 conv doubling them and PixelShuffle(2); the decoder concatenates the
/// encoder skip and reduces the channels with a 1×1 conv (levels 3 and 2; level 1 keeps 2·dim channels); after
/// the refinement blocks <c>output</c> (3×3, 2·dim → 3) is added to the input. Inputs whose height or width is
/// not a multiple of 8 are reflection-padded on the bottom and right (replicate-padded when smaller than the pad)
/// and the output is cropped back, so any size works. The output is not clamped.
/// </remarks>
public sealed class RestormerLite : Module<Tensor, Tensor>, IResidualDerainer
{
    private const int ImageChannels = 3;
    private const int Multiple = 8;

#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Module<Tensor, Tensor> patch_embed;
    private readonly Sequential encoder_level1;
    private readonly Module<Tensor, Tensor> down1_2;
    private readonly Sequential encoder_level2;
    private readonly Module<Tensor, Tensor> down2_3;
    private readonly Sequential encoder_level3;
    private readonly Module<Tensor, Tensor> down3_4;
    private readonly Sequential latent;
    private readonly Module<Tensor, Tensor> up4_3;
    private readonly Conv2d reduce_chan_level3;
    private readonly Sequential decoder_level3;
    private readonly Module<Tensor, Tensor> up3_2;
    private readonly Conv2d reduce_chan_level2;
    private readonly Sequential decoder_level2;
    private readonly Module<Tensor, Tensor> up2_1;
    private readonly Sequential decoder_level1;
    private readonly Sequential refinement;
    private readonly Conv2d output;
#pragma warning restore IDE1006

    /// <summary>Creates the network with freshly initialised weights (PyTorch's default initialisation).</summary>
    /// <param name="options">Options; null for <see cref="RestormerLiteOptions.Reference"/>.</param>
    /// <exception cref="RgsudException">An option is invalid.</exception>
    public RestormerLite(RestormerLiteOptions? options = null) : base(nameof(RestormerLite))
    {
        RgsudRuntime.EnsureInitialized();
        Options = options ?? RestormerLiteOptions.Reference;
        Options.Validate();
        long dim = Options.Dim;
        var blocks = Options.NumBlocks;
        var heads = Options.Heads;
        var bias = Options.Bias;

        patch_embed = new RestormerPatchEmbed(ImageChannels, dim, bias);
        encoder_level1 = Blocks(dim, heads[0], blocks[0]);
        down1_2 = RestormerResample.Down(dim);
        encoder_level2 = Blocks(dim * 2, heads[1], blocks[1]);
        down2_3 = RestormerResample.Down(dim * 2);
        encoder_level3 = Blocks(dim * 4, heads[2], blocks[2]);
        down3_4 = RestormerResample.Down(dim * 4);
        latent = Blocks(dim * 8, heads[3], blocks[3]);
        up4_3 = RestormerResample.Up(dim * 8);
        reduce_chan_level3 = Conv2d(dim * 8, dim * 4, kernel_size: 1, bias: bias);
        decoder_level3 = Blocks(dim * 4, heads[2], blocks[2]);
        up3_2 = RestormerResample.Up(dim * 4);
        reduce_chan_level2 = Conv2d(dim * 4, dim * 2, kernel_size: 1, bias: bias);
        decoder_level2 = Blocks(dim * 2, heads[1], blocks[1]);
        up2_1 = RestormerResample.Up(dim * 2);
        decoder_level1 = Blocks(dim * 2, heads[0], blocks[0]);
        refinement = Blocks(dim * 2, heads[0], Options.RefinementBlocks);
        output = Conv2d(dim * 2, ImageChannels, kernel_size: 3, stride: 1, padding: 1, bias: bias);
        RegisterComponents();
        TensorLayout.ApplyPreferred(this);
    }

    /// <summary>The options this network was built with.</summary>
    public RestormerLiteOptions Options { get; }

    /// <inheritdoc />
    public void InitializeAsIdentity()
    {
        using var noGrad = no_grad();
        foreach (var p in output.parameters()) p.zero_();
    }

    /// <summary>Derains <paramref name="input"/> (<c>[N, 3, H, W]</c>, values in [0, 1]); the output has the same shape.</summary>
    /// <exception cref="ArgumentException">The input is not <c>[N, 3, H, W]</c>.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != ImageChannels)
            throw new ArgumentException($"RestormerLite expects a [N, 3, H, W] tensor, got [{string.Join(", ", input.shape)}]", nameof(input));

        using var scope = NewDisposeScope();
        var padding = PadToMultiple.For(input, Multiple);
        // Reflection needs the pad to be smaller than the image; tiny images are replicate-padded.
        var mode = padding.PadHeight < padding.Height && padding.PadWidth < padding.Width ? PaddingModes.Reflect : PaddingModes.Replicate;
        var inp = padding.Pad(TensorLayout.ToPreferred(input), mode);

        var enc1 = encoder_level1.call(patch_embed.call(inp));
        var enc2 = encoder_level2.call(down1_2.call(enc1));
        var enc3 = encoder_level3.call(down2_3.call(enc2));
        var lat = latent.call(down3_4.call(enc3));

        var dec3 = decoder_level3.call(reduce_chan_level3.call(cat([up4_3.call(lat), enc3], 1)));
        var dec2 = decoder_level2.call(reduce_chan_level2.call(cat([up3_2.call(dec3), enc2], 1)));
        var dec1 = decoder_level1.call(cat([up2_1.call(dec2), enc1], 1));
        var x = padding.Crop(output.call(refinement.call(dec1)) + inp);
        return x.MoveToOuterDisposeScope();
    }

    private Sequential Blocks(long dim, int numHeads, int count)
    {
        var seq = Sequential();
        for (var i = 0; i < count; i++)
            seq.append(new RestormerTransformerBlock(dim, numHeads, Options.FfnExpansionFactor, Options.Bias));
        return seq;
    }
}
