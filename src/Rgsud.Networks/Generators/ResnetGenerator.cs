using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Generators;

/// <summary>
/// CycleGAN's <c>ResnetGenerator</c> (Zhu et al., ICCV 2017; junyanz/pytorch-CycleGAN-and-pix2pix
/// <c>networks.py</c>) with instance normalisation and the same state-dict names (<c>model.1.weight</c>,
/// <c>model.4.weight</c>, <c>model.7.weight</c>, <c>model.10.conv_block.1.weight</c>, ...): ReflectionPad(3),
/// Conv 7×7 (3 → ngf), IN, ReLU; two stride-2 3×3 convolutions (IN, ReLU); residual blocks at 4·ngf; two stride-2
/// 3×3 transposed convolutions (IN, ReLU); ReflectionPad(3), Conv 7×7 (ngf → 3).
/// </summary>
/// <remarks>
/// CycleGAN works on images in [−1, 1] and ends in tanh; Rgsud's images are in [0, 1], so this generator has no
/// tanh and returns <c>input + model(input)</c> (a residual, not clamped). Inputs whose height or width is not a
/// multiple of 4 are reflection-padded (replicate-padded when smaller than the pad) on the bottom and right and
/// the output is cropped back. Used as CycleGAN's clean → rainy generator F.
/// </remarks>
public sealed class ResnetGenerator : Module<Tensor, Tensor>
{
    private const int ImageChannels = 3;
    private const int Multiple = 4;

#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Sequential model;
#pragma warning restore IDE1006

    /// <summary>Creates the generator with freshly initialised weights.</summary>
    /// <param name="options">Options; null for <see cref="ResnetGeneratorOptions.Reference"/>.</param>
    /// <exception cref="RgsudException">An option is invalid.</exception>
    public ResnetGenerator(ResnetGeneratorOptions? options = null) : base(nameof(ResnetGenerator))
    {
        RgsudRuntime.EnsureInitialized();
        Options = options ?? ResnetGeneratorOptions.Reference;
        Options.Validate();
        long ngf = Options.BaseChannels;

        model = Sequential(ReflectionPad2d(3), Conv2d(ImageChannels, ngf, kernel_size: 7, bias: true), new InstanceNorm(), ReLU());
        for (var i = 0; i < 2; i++)
        {
            var mult = 1L << i;
            model.append(Conv2d(ngf * mult, ngf * mult * 2, kernel_size: 3, stride: 2, padding: 1, bias: true));
            model.append(new InstanceNorm());
            model.append(ReLU());
        }
        for (var i = 0; i < Options.ResidualBlocks; i++) model.append(new ResnetBlock(ngf * 4));
        for (var i = 0; i < 2; i++)
        {
            var mult = 1L << (2 - i);
            model.append(ConvTranspose2d(ngf * mult, ngf * mult / 2, kernel_size: 3, stride: 2, padding: 1, output_padding: 1, bias: true));
            model.append(new InstanceNorm());
            model.append(ReLU());
        }
        model.append(ReflectionPad2d(3));
        model.append(Conv2d(ngf, ImageChannels, kernel_size: 7));
        RegisterComponents();
        TensorLayout.ApplyPreferred(this);
    }

    /// <summary>The options this generator was built with.</summary>
    public ResnetGeneratorOptions Options { get; }

    /// <summary>Translates <paramref name="input"/> (<c>[N, 3, H, W]</c>, at least 8×8); the output has the same shape.</summary>
    /// <exception cref="ArgumentException">The input is not <c>[N, 3, H, W]</c> or is smaller than 8×8.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != ImageChannels)
            throw new ArgumentException($"ResnetGenerator expects a [N, 3, H, W] tensor, got [{string.Join(", ", input.shape)}]", nameof(input));
        long h = input.shape[2], w = input.shape[3];
        if (h < 8 || w < 8)
            throw new ArgumentException($"ResnetGenerator needs images of at least 8×8, got {h}×{w}", nameof(input));

        using var scope = NewDisposeScope();
        var x = TensorLayout.ToPreferred(input);
        long padH = (Multiple - h % Multiple) % Multiple;
        long padW = (Multiple - w % Multiple) % Multiple;
        var padded = padH != 0 || padW != 0
            ? functional.pad(x, [0, padW, 0, padH], padH < h && padW < w ? PaddingModes.Reflect : PaddingModes.Replicate)
            : x;
        var result = padded + model.call(padded);
        if (padH != 0 || padW != 0) result = TensorLayout.ToPreferred(result.narrow(2, 0, h).narrow(3, 0, w));
        return result.MoveToOuterDisposeScope();
    }
}
