using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Losses;

/// <summary>
/// <c>Weight · (−log10 SSIM)</c>, the structural term of CSUD's derainer loss <c>L1(dB, B) − log10 SSIM(dB, B)</c>.
/// SSIM is <see cref="SsimLoss.Ssim"/>'s. As in CSUD (<c>pytorch_ssim</c> with <c>size_average=True</c>) the
/// default mean reduction takes the log of the batch-mean SSIM: <c>−log10(mean_n SSIM_n)</c> (with sample
/// weights, of their weighted mean). <see cref="LossReduction.Sum"/> sums and <see cref="LossReduction.None"/>
/// returns the per-sample <c>−log10 SSIM_n</c>. SSIM is clamped below at <see cref="MinSsim"/> before the log, so
/// the loss stays finite (≤ 6) for images with no structural similarity at all (no gradient there).
/// </summary>
public sealed class NegLog10SsimLoss : ImageLoss
{
    /// <summary>The SSIM floor applied before the logarithm.</summary>
    public const double MinSsim = 1e-6;

    /// <summary>Creates the loss.</summary>
    /// <param name="weight">The loss weight.</param>
    /// <param name="reduction">The reduction over samples (see the class remarks for <see cref="LossReduction.Mean"/>).</param>
    /// <param name="padding">Which windows SSIM averages over.</param>
    public NegLog10SsimLoss(double weight = 1.0, LossReduction reduction = LossReduction.Mean, SsimPadding padding = SsimPadding.Valid)
        : base(weight, reduction)
    {
        if (!Enum.IsDefined(padding)) throw new ArgumentOutOfRangeException(nameof(padding), padding, "unknown SSIM padding");
        Padding = padding;
    }

    /// <summary>Which windows SSIM averages over.</summary>
    public SsimPadding Padding { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor prediction, Tensor target, Tensor? sampleWeights)
    {
        if (Reduction != LossReduction.Mean) return base.Forward(prediction, target, sampleWeights);
        ValidatePair(prediction, target);
        using var scope = NewDisposeScope();
        var ssim = SsimLoss.SsimMap(prediction, target, Padding).flatten(1).mean([1L]);
        var mean = Reduce(ssim, LossReduction.Mean, sampleWeights);
        return (mean.clamp_min(MinSsim).log10().neg() * Weight).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void ValidatePair(Tensor prediction, Tensor target)
    {
        base.ValidatePair(prediction, target);
        SsimLoss.CheckImages(prediction, target, Padding, GetType().Name);
    }

    /// <inheritdoc />
    protected override Tensor Unreduced(Tensor prediction, Tensor target) =>
        SsimLoss.SsimMap(prediction, target, Padding).flatten(1).mean([1L]).clamp_min(MinSsim).log10().neg();
}
