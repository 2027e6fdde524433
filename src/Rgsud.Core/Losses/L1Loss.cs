using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Losses;

/// <summary>Mean absolute error <c>|prediction − target|</c> (BasicSR's <c>L1Loss</c>).</summary>
/// <param name="weight">The loss weight.</param>
/// <param name="reduction">The reduction (element-wise values for <see cref="LossReduction.None"/>).</param>
public sealed class L1Loss(double weight = 1.0, LossReduction reduction = LossReduction.Mean) : ImageLoss(weight, reduction)
{
    /// <inheritdoc />
    protected override Tensor Unreduced(Tensor prediction, Tensor target) => (prediction - target).abs();
}
