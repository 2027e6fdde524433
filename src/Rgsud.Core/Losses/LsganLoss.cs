using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Losses;

/// <summary>
/// Least-squares GAN loss (BasicSR's <c>GANLoss</c> with <c>gan_type='lsgan'</c>): the mean squared error of the
/// discriminator's output against a constant label, <see cref="RealLabel"/> or <see cref="FakeLabel"/>. The
/// label tensor is made on the prediction's device and dtype and needs no gradient.
/// </summary>
public sealed class LsganLoss : ImageLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="weight">The loss weight.</param>
    /// <param name="reduction">The reduction (element-wise values for <see cref="LossReduction.None"/>).</param>
    /// <param name="realLabel">The target for real samples.</param>
    /// <param name="fakeLabel">The target for fake samples.</param>
    public LsganLoss(double weight = 1.0, LossReduction reduction = LossReduction.Mean, double realLabel = 1.0, double fakeLabel = 0.0)
        : base(weight, reduction)
    {
        if (!double.IsFinite(realLabel)) throw new ArgumentOutOfRangeException(nameof(realLabel), realLabel, "must be finite");
        if (!double.IsFinite(fakeLabel)) throw new ArgumentOutOfRangeException(nameof(fakeLabel), fakeLabel, "must be finite");
        RealLabel = realLabel;
        FakeLabel = fakeLabel;
    }

    /// <summary>The target value for real samples.</summary>
    public double RealLabel { get; }

    /// <summary>The target value for fake samples.</summary>
    public double FakeLabel { get; }

    /// <summary>
    /// <c>Weight · mse(prediction, label)</c> with label <see cref="RealLabel"/> when <paramref name="targetIsReal"/>
    /// is true, else <see cref="FakeLabel"/>.
    /// </summary>
    public Tensor Forward(Tensor prediction, bool targetIsReal) => Forward(prediction, targetIsReal, null);

    /// <summary>As <see cref="Forward(Tensor, bool)"/>, with optional per-sample weights (<c>[N]</c>).</summary>
    public Tensor Forward(Tensor prediction, bool targetIsReal, Tensor? sampleWeights)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        using var scope = NewDisposeScope();
        var label = torch.full_like(prediction, targetIsReal ? RealLabel : FakeLabel);
        return Forward(prediction, label, sampleWeights).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor Unreduced(Tensor prediction, Tensor target) => (prediction - target).square();
}
