using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Losses;

/// <summary>
/// Charbonnier (smooth L1) loss <c>sqrt((prediction − target)² + ε²)</c>, the MPRNet / Restormer convention with
/// ε = 1e-3 (a zero difference costs exactly ε). BasicSR's own <c>CharbonnierLoss</c> adds ε unsquared with
/// ε = 1e-12; pass <c>eps: 1e-6</c> here to get its value for ε = 1e-12.
/// </summary>
public sealed class CharbonnierLoss : ImageLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="weight">The loss weight.</param>
    /// <param name="reduction">The reduction (element-wise values for <see cref="LossReduction.None"/>).</param>
    /// <param name="eps">ε (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive and finite, or as for <see cref="ImageLoss"/>.</exception>
    public CharbonnierLoss(double weight = 1.0, LossReduction reduction = LossReduction.Mean, double eps = 1e-3)
        : base(weight, reduction)
    {
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "ε must be positive and finite");
        Eps = eps;
    }

    /// <summary>ε: the value of the loss at a zero difference.</summary>
    public double Eps { get; }

    /// <inheritdoc />
    protected override Tensor Unreduced(Tensor prediction, Tensor target) =>
        ((prediction - target).square() + Eps * Eps).sqrt();
}
