using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Losses;

/// <summary>
/// Differentiable SSIM loss <c>Weight · (1 − SSIM)</c> on images in [0,1] (Wang et al. 2004): an 11×11 Gaussian
/// window with σ = 1.5, C1 = 0.01², C2 = 0.03², each channel filtered on its own (a grouped convolution), the
/// SSIM map averaged over channels and positions. <see cref="SsimPadding.Valid"/> (the default) averages only
/// windows wholly inside the image and so agrees with <see cref="Metrics.ImageQuality.Ssim"/> (RGB) on 8-bit
/// images; <see cref="SsimPadding.Same"/> is <c>pytorch_ssim</c>'s zero padding. Per-sample values are
/// <c>1 − SSIM_n</c>; the default mean reduction is <c>1 − mean SSIM</c>. Works on NCHW and channels-last inputs
/// (the result of the convolution keeps the input's layout).
/// </summary>
public sealed class SsimLoss : ImageLoss
{
    private const int WindowSize = 11;
    private const int HalfWindow = WindowSize / 2;
    private const double Sigma = 1.5;
    private const double C1 = 0.01 * 0.01;
    private const double C2 = 0.03 * 0.03;

    private static readonly double[] Gaussian = MakeGaussian();

    /// <summary>Creates the loss.</summary>
    /// <param name="weight">The loss weight.</param>
    /// <param name="reduction">The reduction over samples (<see cref="LossReduction.None"/>: <c>[N]</c>).</param>
    /// <param name="padding">Which windows SSIM averages over.</param>
    public SsimLoss(double weight = 1.0, LossReduction reduction = LossReduction.Mean, SsimPadding padding = SsimPadding.Valid)
        : base(weight, reduction)
    {
        if (!Enum.IsDefined(padding)) throw new ArgumentOutOfRangeException(nameof(padding), padding, "unknown SSIM padding");
        Padding = padding;
    }

    /// <summary>Which windows SSIM averages over.</summary>
    public SsimPadding Padding { get; }

    /// <summary>
    /// The SSIM of <paramref name="x"/> and <paramref name="y"/> (<c>[N,C,H,W]</c>, same shape, dtype and device,
    /// data range 1): a scalar mean over the batch, or <c>[N]</c> per-sample values when
    /// <paramref name="perSample"/> is true. Differentiable in both inputs; the Gaussian window is made on the
    /// inputs' device and dtype. Identical images give 1.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not equal-shaped 4-D images, or are smaller than 11×11 with <see cref="SsimPadding.Valid"/>.</exception>
    public static Tensor Ssim(Tensor x, Tensor y, bool perSample = false, SsimPadding padding = SsimPadding.Valid)
    {
        CheckImages(x, y, padding, nameof(SsimLoss));
        using var scope = NewDisposeScope();
        var map = SsimMap(x, y, padding);
        var result = perSample ? map.flatten(1).mean([1L]) : map.mean();
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void ValidatePair(Tensor prediction, Tensor target)
    {
        base.ValidatePair(prediction, target);
        CheckImages(prediction, target, Padding, GetType().Name);
    }

    /// <inheritdoc />
    protected override Tensor Unreduced(Tensor prediction, Tensor target) =>
        1.0 - SsimMap(prediction, target, Padding).flatten(1).mean([1L]);

    /// <summary>Validates a pair of images for SSIM.</summary>
    internal static void CheckImages(Tensor x, Tensor y, SsimPadding padding, string who)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() != 4 || !x.shape.SequenceEqual(y.shape))
            throw new ArgumentException($"{who}: expected two [N,C,H,W] images of the same shape, got {FormatShape(x)} and {FormatShape(y)}", nameof(y));
        if (padding == SsimPadding.Valid && (x.shape[2] < WindowSize || x.shape[3] < WindowSize))
            throw new ArgumentException($"{who}: valid SSIM needs images of at least {WindowSize}×{WindowSize}, got {FormatShape(x)}", nameof(x));
    }

    /// <summary>The SSIM map <c>[N,C,h,w]</c> (h = H − 10 for valid windows, H for same). Inputs are not checked.</summary>
    internal static Tensor SsimMap(Tensor x, Tensor y, SsimPadding padding)
    {
        // One grouped convolution filters the five moments of every channel at once.
        var moments = torch.cat([x, y, x * x, y * y, x * y], 1);
        var filtered = GaussianFilter(moments, padding).chunk(5, 1);
        Tensor mu1 = filtered[0], mu2 = filtered[1];
        var mu11 = mu1 * mu1;
        var mu22 = mu2 * mu2;
        var mu12 = mu1 * mu2;
        var sigma11 = filtered[2] - mu11;
        var sigma22 = filtered[3] - mu22;
        var sigma12 = filtered[4] - mu12;
        var numerator = (2.0 * mu12 + C1) * (2.0 * sigma12 + C2);
        var denominator = (mu11 + mu22 + C1) * (sigma11 + sigma22 + C2);
        return numerator / denominator;
    }

    /// <summary>
    /// The 11×11 Gaussian filter of every channel: one grouped convolution (groups = channels). A single 2-D kernel
    /// is used rather than two 1-D passes: libtorch's CPU depthwise kernels are 3–4× slower on 11×1 / 1×11
    /// windows in NCHW, and equally fast in channels-last.
    /// </summary>
    private static Tensor GaussianFilter(Tensor images, SsimPadding padding)
    {
        long groups = images.shape[1];
        var g = torch.tensor(Gaussian, dtype: ScalarType.Float64);
        var window = g.outer(g).to(images.dtype, images.device).reshape(1, 1, WindowSize, WindowSize).repeat(groups, 1, 1, 1);
        long pad = padding == SsimPadding.Same ? HalfWindow : 0;
        return nn.functional.conv2d(images, window, padding: [pad, pad], groups: groups);
    }

    private static double[] MakeGaussian()
    {
        var g = new double[WindowSize];
        double total = 0;
        for (int k = 0; k < WindowSize; k++)
        {
            double d = k - HalfWindow;
            g[k] = Math.Exp(-d * d / (2 * Sigma * Sigma));
            total += g[k];
        }
        for (int k = 0; k < WindowSize; k++) g[k] /= total;
        return g;
    }
}
