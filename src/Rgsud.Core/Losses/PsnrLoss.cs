using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Losses;

/// <summary>
/// BasicSR / NAFNet's <c>PSNRLoss</c>: per sample <c>(10 / ln 10) · ln(mean((prediction − target)²) + 1e-8)</c>
/// (the mean over channels, height and width), i.e. the negative PSNR in dB of images with peak 1; the default
/// mean reduction gives <c>Weight · scale · log(mse + 1e-8).mean()</c> exactly as NAFNet. Inputs are
/// <c>[N,C,H,W]</c>; <see cref="LossReduction.None"/> returns the <c>[N]</c> per-sample values times the weight.
/// </summary>
public sealed class PsnrLoss : ImageLoss
{
    /// <summary>10 / ln 10: turns a natural log into decibels.</summary>
    public static readonly double Scale = 10.0 / Math.Log(10.0);

    private static readonly double[] YCoefficients = [65.481, 128.553, 24.966];

    /// <summary>Creates the loss.</summary>
    /// <param name="weight">The loss weight.</param>
    /// <param name="reduction">The reduction over samples.</param>
    /// <param name="toY">
    /// Compare the luma only: RGB inputs in [0,1] are first mapped to <c>Y = (65.481 R + 128.553 G + 24.966 B + 16) / 255</c>
    /// (BasicSR's coefficients; inputs must have 3 channels).
    /// </param>
    public PsnrLoss(double weight = 1.0, LossReduction reduction = LossReduction.Mean, bool toY = false)
        : base(weight, reduction)
    {
        ToY = toY;
    }

    /// <summary>Whether the loss compares the Y channel instead of all channels.</summary>
    public bool ToY { get; }

    /// <inheritdoc />
    protected override void ValidatePair(Tensor prediction, Tensor target)
    {
        base.ValidatePair(prediction, target);
        if (prediction.dim() != 4)
            throw new ArgumentException($"PsnrLoss expects [N,C,H,W] images, got {FormatShape(prediction)}", nameof(prediction));
        if (ToY && prediction.shape[1] != 3)
            throw new ArgumentException($"PsnrLoss with toY expects 3-channel RGB images, got {FormatShape(prediction)}", nameof(prediction));
    }

    /// <inheritdoc />
    protected override Tensor Unreduced(Tensor prediction, Tensor target)
    {
        if (ToY)
        {
            prediction = ToLuma(prediction);
            target = ToLuma(target);
        }
        var mse = (prediction - target).square().mean([1L, 2L, 3L]);
        return (mse + 1e-8).log() * Scale;
    }

    /// <summary>BasicSR's RGB → Y of images in [0,1]: <c>(Σ coef_c · x_c + 16) / 255</c>, keeping a channel of 1.</summary>
    private static Tensor ToLuma(Tensor rgb)
    {
        var coef = torch.tensor(YCoefficients, dtype: ScalarType.Float64).to(rgb.dtype, rgb.device).reshape(1, 3, 1, 1);
        return ((rgb * coef).sum(1, keepdim: true) + 16.0) / 255.0;
    }
}
