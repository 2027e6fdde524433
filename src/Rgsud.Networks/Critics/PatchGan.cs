using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using InstanceNorm = Rgsud.Networks.Generators.InstanceNorm;

namespace Rgsud.Networks.Critics;

/// <summary>
/// The PatchGAN critic of pix2pix (<c>NLayerDiscriminator</c> of junyanz/pytorch-CycleGAN-and-pix2pix, with
/// instance normalisation; state-dict names <c>model.0.weight</c>, <c>model.2.weight</c>, <c>model.5.weight</c>,
/// <c>model.8.weight</c>, <c>model.11.weight</c> for 3 layers), on CSUD's high-pass input
/// <c>[I, I − GaussianBlur₁₅ₓ₁₅,σ₌₉(I)]</c> (6 channels) or, with <see cref="PatchGanOptions.HighPassInput"/> off,
/// on the image itself.
/// </summary>
/// <remarks>
/// Layers: Conv 4×4/2 (in → ndf), LeakyReLU(0.2); for n = 1..layers−1: Conv 4×4/2 (→ ndf·min(2ⁿ, 8)), IN,
/// LeakyReLU(0.2); Conv 4×4/1 (→ ndf·min(2^layers, 8)), IN, LeakyReLU(0.2); Conv 4×4/1 (→ 1). All padding 1;
/// convolutions have biases (pix2pix sets <c>use_bias</c> for instance norm). The output is a map of raw scores
/// (no sigmoid; use an LSGAN loss). The blur is a fixed, non-trainable separable Gaussian applied per channel
/// with reflection padding (kernel/2 on each side); it is not part of the state dict.
/// </remarks>
public sealed class PatchGan : Module<Tensor, Tensor>
{
    private const int ImageChannels = 3;

#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Sequential model;
#pragma warning restore IDE1006
    private readonly double[] blur;

    /// <summary>Creates the critic with freshly initialised weights.</summary>
    /// <param name="options">Options; null for <see cref="PatchGanOptions.Reference"/>.</param>
    /// <exception cref="RgsudException">An option is invalid.</exception>
    public PatchGan(PatchGanOptions? options = null) : base(nameof(PatchGan))
    {
        RgsudRuntime.EnsureInitialized();
        Options = options ?? PatchGanOptions.Reference;
        Options.Validate();
        blur = GaussianKernel1d(Options.BlurKernelSize, Options.BlurSigma);

        long ndf = Options.BaseChannels;
        InputChannels = Options.HighPassInput ? 2 * ImageChannels : ImageChannels;
        model = Sequential(Conv2d(InputChannels, ndf, kernel_size: 4, stride: 2, padding: 1), LeakyReLU(0.2));
        long mult = 1;
        for (var n = 1; n < Options.Layers; n++)
        {
            var previous = mult;
            mult = Math.Min(1L << n, 8);
            model.append(Conv2d(ndf * previous, ndf * mult, kernel_size: 4, stride: 2, padding: 1, bias: true));
            model.append(new InstanceNorm());
            model.append(LeakyReLU(0.2));
        }
        var last = mult;
        mult = Math.Min(1L << Math.Min(Options.Layers, 30), 8);
        model.append(Conv2d(ndf * last, ndf * mult, kernel_size: 4, stride: 1, padding: 1, bias: true));
        model.append(new InstanceNorm());
        model.append(LeakyReLU(0.2));
        model.append(Conv2d(ndf * mult, 1, kernel_size: 4, stride: 1, padding: 1));
        RegisterComponents();
        TensorLayout.ApplyPreferred(this);
    }

    /// <summary>The options this critic was built with.</summary>
    public PatchGanOptions Options { get; }

    /// <summary>Channels the first convolution sees (6 with the high-pass input, else 3).</summary>
    public int InputChannels { get; }

    /// <summary>
    /// Scores <paramref name="input"/> (<c>[N, 3, H, W]</c>, H and W large enough for the layers: at least 24 for 3
    /// layers) per patch; returns <c>[N, 1, h, w]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not <c>[N, 3, H, W]</c> or is too small.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != ImageChannels)
            throw new ArgumentException($"PatchGan expects a [N, 3, H, W] tensor, got [{string.Join(", ", input.shape)}]", nameof(input));
        long min = MinimumSize(Options.Layers);
        if (Options.HighPassInput) min = Math.Max(min, Options.BlurKernelSize / 2 + 1);
        if (input.shape[2] < min || input.shape[3] < min)
            throw new ArgumentException($"PatchGan with {Options.Layers} layers needs images of at least {min}×{min}, got {input.shape[2]}×{input.shape[3]}", nameof(input));

        using var scope = NewDisposeScope();
        var x = TensorLayout.ToPreferred(input);
        if (Options.HighPassInput) x = HighPass(x, blur);
        return model.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// CSUD's critic input <c>[I, I − GaussianBlur(I)]</c> (<c>[N, 6, H, W]</c>) of <paramref name="images"/>
    /// (<c>[N, 3, H, W]</c>): a separable Gaussian of side <paramref name="kernelSize"/> and standard deviation
    /// <paramref name="sigma"/>, normalised to sum 1, each channel on its own, with reflection padding. Differentiable.
    /// </summary>
    /// <exception cref="ArgumentException">The kernel size is not a positive odd number, sigma is not positive, or the image is not larger than half the kernel.</exception>
    public static Tensor HighPassInput(Tensor images, int kernelSize = 15, double sigma = 9)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (kernelSize < 1 || kernelSize % 2 == 0) throw new ArgumentException($"kernel size must be a positive odd number, got {kernelSize}", nameof(kernelSize));
        if (!(sigma > 0) || double.IsInfinity(sigma)) throw new ArgumentException($"sigma must be positive and finite, got {sigma}", nameof(sigma));
        if (images.dim() != 4 || images.shape[2] <= kernelSize / 2 || images.shape[3] <= kernelSize / 2)
            throw new ArgumentException($"expected [N, C, H, W] with H, W > {kernelSize / 2}, got [{string.Join(", ", images.shape)}]", nameof(images));
        using var scope = NewDisposeScope();
        return HighPass(TensorLayout.ToPreferred(images), GaussianKernel1d(kernelSize, sigma)).MoveToOuterDisposeScope();
    }

    /// <summary>The normalised 1-D Gaussian <c>g[i] ∝ exp(−(i − r)² / 2σ²)</c>, i = 0..size−1, r = size / 2.</summary>
    internal static double[] GaussianKernel1d(int size, double sigma)
    {
        var r = size / 2;
        var g = new double[size];
        for (var i = 0; i < size; i++) g[i] = Math.Exp(-((i - r) * (double)(i - r)) / (2 * sigma * sigma));
        var sum = g.Sum();
        for (var i = 0; i < size; i++) g[i] /= sum;
        return g;
    }

    private static Tensor HighPass(Tensor images, double[] kernel1d)
    {
        using var scope = NewDisposeScope();
        long channels = images.shape[1];
        long k = kernel1d.Length;
        long r = k / 2;
        var g = tensor(kernel1d, dtype: images.dtype, device: images.device);
        var vertical = TensorLayout.ToChannelsLast(g.reshape(1, 1, k, 1).expand(channels, 1, k, 1));
        var horizontal = TensorLayout.ToChannelsLast(g.reshape(1, 1, 1, k).expand(channels, 1, 1, k));
        var padded = functional.pad(images, [r, r, r, r], PaddingModes.Reflect);
        var blurred = functional.conv2d(padded, vertical, groups: channels);
        blurred = functional.conv2d(blurred, horizontal, groups: channels);
        return cat([images, images - blurred], 1).MoveToOuterDisposeScope();
    }

    // Spatial size after the first `layers` 4×4/2 convolutions (padding 1) is ⌊s / 2^layers⌋; the two 4×4/1
    // convolutions take 2 more; the result must be at least 1.
    private static long MinimumSize(int layers) => 3L << Math.Min(layers, 20);
}
