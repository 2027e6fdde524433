using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Losses;

/// <summary>
/// The common contract of Rgsud's image losses (BasicSR's): every loss has a <see cref="Weight"/> and a
/// <see cref="Reduction"/>, and <see cref="Forward(Tensor, Tensor)"/> returns <c>Weight × reduced loss</c>.
/// <para>
/// Losses are plain objects, not modules: they hold no parameters or buffers and may be shared between threads.
/// <c>Forward</c> runs in the caller's dispose scope and gradient mode; its intermediates are freed on return and
/// only the returned tensor belongs to the caller's scope. Inputs may have NCHW or channels-last strides.
/// </para>
/// </summary>
public abstract class ImageLoss
{
    /// <summary>Creates a loss with a weight and a reduction.</summary>
    /// <param name="weight">The factor the reduced loss is multiplied by (finite).</param>
    /// <param name="reduction">How element-wise (or per-sample) values are reduced.</param>
    /// <exception cref="ArgumentOutOfRangeException">The weight is not finite or the reduction is unknown.</exception>
    protected ImageLoss(double weight, LossReduction reduction)
    {
        if (!double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "the loss weight must be finite");
        if (!Enum.IsDefined(reduction)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "unknown loss reduction");
        Weight = weight;
        Reduction = reduction;
    }

    /// <summary>The factor the reduced loss is multiplied by (BasicSR's <c>loss_weight</c>).</summary>
    public double Weight { get; }

    /// <summary>How the loss values are reduced (BasicSR's <c>reduction</c>).</summary>
    public LossReduction Reduction { get; }

    /// <summary>
    /// The weighted loss of <paramref name="prediction"/> against <paramref name="target"/> (same shape): a scalar
    /// for <see cref="LossReduction.Mean"/> and <see cref="LossReduction.Sum"/>, unreduced values times
    /// <see cref="Weight"/> for <see cref="LossReduction.None"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are not what the loss accepts.</exception>
    public Tensor Forward(Tensor prediction, Tensor target) => Forward(prediction, target, null);

    /// <summary>
    /// The weighted loss with optional per-sample weights <paramref name="sampleWeights"/> (<c>[N]</c>, any device;
    /// null = all 1), reduced as <see cref="Reduce"/> describes.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, are not what the loss accepts, or the weights are not <c>[N]</c>.</exception>
    public virtual Tensor Forward(Tensor prediction, Tensor target, Tensor? sampleWeights)
    {
        ValidatePair(prediction, target);
        using var scope = NewDisposeScope();
        var values = Unreduced(prediction, target);
        var reduced = Reduce(values, Reduction, sampleWeights);
        return (reduced * Weight).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The unreduced loss values: element-wise (same shape as the inputs) or per sample (<c>[N]</c>); the first
    /// dimension is always the sample. Called inside a dispose scope that <see cref="Forward(Tensor, Tensor, Tensor?)"/> owns.
    /// </summary>
    protected abstract Tensor Unreduced(Tensor prediction, Tensor target);

    /// <summary>
    /// Checks the inputs: both non-null with equal shapes and at least one dimension. Losses with stricter needs
    /// (4-D images) override this and call the base.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or the inputs are scalars.</exception>
    protected virtual void ValidatePair(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (!prediction.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException(
                $"{GetType().Name}: prediction {FormatShape(prediction)} and target {FormatShape(target)} must have the same shape",
                nameof(target));
        }
        if (prediction.dim() == 0)
            throw new ArgumentException($"{GetType().Name}: expected at least a batch dimension, got a scalar", nameof(prediction));
    }

    /// <summary>
    /// Reduces loss values whose first dimension is the sample (BasicSR's <c>weight_reduce_loss</c> with weights
    /// broadcast over each sample). Without weights: the mean or sum of all values, or the values themselves (a
    /// new alias) for <see cref="LossReduction.None"/>. With per-sample weights <c>w</c> (<c>[N]</c>):
    /// <see cref="LossReduction.Mean"/> is the weighted mean of the per-sample means <c>Σ w_n m_n / Σ w_n</c>
    /// (0 when all weights are 0), <see cref="LossReduction.Sum"/> is <c>Σ w_n · (values of n)</c> and
    /// <see cref="LossReduction.None"/> multiplies each sample's values by its weight. The result is created in the
    /// caller's dispose scope.
    /// </summary>
    /// <param name="values">Loss values, <c>[N, ...]</c>.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="sampleWeights">Optional per-sample weights with <c>N</c> elements, on any device.</param>
    /// <exception cref="ArgumentException">The weights do not hold one value per sample.</exception>
    public static Tensor Reduce(Tensor values, LossReduction reduction, Tensor? sampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!Enum.IsDefined(reduction)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "unknown loss reduction");
        if (sampleWeights is null)
        {
            return reduction switch
            {
                LossReduction.Mean => values.mean(),
                LossReduction.Sum => values.sum(),
                _ => values.alias(),
            };
        }

        if (values.dim() == 0) throw new ArgumentException("per-sample weights need values with a batch dimension", nameof(values));
        long n = values.shape[0];
        if (sampleWeights.numel() != n)
        {
            throw new ArgumentException(
                $"sample weights must hold one value per sample ({n}), got shape {FormatShape(sampleWeights)}", nameof(sampleWeights));
        }

        using var scope = NewDisposeScope();
        var w = sampleWeights.reshape(n).to(values.dtype, values.device);
        var broadcast = new long[values.dim()];
        Array.Fill(broadcast, 1L);
        broadcast[0] = n;
        Tensor result;
        switch (reduction)
        {
            case LossReduction.Mean:
                var perSample = values.dim() == 1 ? values : values.flatten(1).mean([1L]);
                result = (perSample * w).sum() / w.sum().clamp_min(1e-12);
                break;
            case LossReduction.Sum:
                result = (values * w.reshape(broadcast)).sum();
                break;
            default:
                result = values * w.reshape(broadcast);
                break;
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>A shape as <c>[2,3,64,64]</c> for messages.</summary>
    internal static string FormatShape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
