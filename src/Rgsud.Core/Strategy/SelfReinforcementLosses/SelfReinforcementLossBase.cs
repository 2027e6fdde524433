using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Strategy.SelfReinforcementLosses;

/// <summary>
/// Shared logic of the self-reinforcement losses: a per-sample error <c>e_n</c> (the mean over channels and
/// pixels of an element-wise penalty of <c>Der(O_r) − B_rw</c>), averaged over the samples that have a reward,
/// optionally weighted by reward score, times <see cref="Weight"/>:
/// <c>L = λ2 · Σ_{n∈mask} w_n e_n / |mask|</c> (<c>w_n = 1</c> without weighting). With no sample in the mask the
/// loss is a zero scalar that still depends on <c>derained</c> (its gradient is zero). Rewards are treated as
/// constants (detached). Computed without host synchronisation.
/// </summary>
public abstract class SelfReinforcementLossBase : ISelfReinforcementLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="weight">λ2 (finite, non-negative).</param>
    /// <param name="scoreWeighting">How samples are weighted by reward score.</param>
    /// <param name="temperature">The softmax temperature <c>T</c> for <see cref="ScoreWeighting.Softmax"/> (positive).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    protected SelfReinforcementLossBase(double weight, ScoreWeighting scoreWeighting, double temperature)
    {
        if (!double.IsFinite(weight) || weight < 0) throw new ArgumentOutOfRangeException(nameof(weight), weight, "λ2 must be finite and non-negative");
        if (!Enum.IsDefined(scoreWeighting)) throw new ArgumentOutOfRangeException(nameof(scoreWeighting), scoreWeighting, "unknown score weighting");
        if (!(temperature > 0) || !double.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the temperature must be positive and finite");
        Weight = weight;
        ScoreWeighting = scoreWeighting;
        Temperature = temperature;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public double Weight { get; }

    /// <summary>How samples are weighted by their rewards' scores.</summary>
    public ScoreWeighting ScoreWeighting { get; }

    /// <summary>The softmax temperature (used with <see cref="ScoreWeighting.Softmax"/>).</summary>
    public double Temperature { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// Shapes differ or are not <c>[N,...]</c>; <paramref name="rewardScores"/> or <paramref name="mask"/> do not have
    /// <c>N</c> elements; or <see cref="ScoreWeighting.Softmax"/> is chosen and <paramref name="rewardScores"/> is null.
    /// </exception>
    public Tensor Compute(Tensor derained, Tensor rewards, Tensor? rewardScores = null, Tensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(derained);
        ArgumentNullException.ThrowIfNull(rewards);
        if (derained.dim() < 2 || !derained.shape.SequenceEqual(rewards.shape))
        {
            throw new ArgumentException(
                $"{Name} SR loss: derained {Shape(derained)} and rewards {Shape(rewards)} must have one [N,...] shape", nameof(rewards));
        }
        long n = derained.shape[0];
        CheckPerSample(rewardScores, n, nameof(rewardScores));
        CheckPerSample(mask, n, nameof(mask));
        if (ScoreWeighting == ScoreWeighting.Softmax && rewardScores is null)
            throw new ArgumentException($"{Name} SR loss: softmax score weighting needs the rewards' scores", nameof(rewardScores));

        using var scope = NewDisposeScope();
        var target = rewards.detach();
        if (target.dtype != derained.dtype) target = target.to(derained.dtype);
        var keep = mask?.reshape(n).to(ScalarType.Bool, derained.device);
        var prediction = derained;
        if (keep is not null)
        {
            // Samples without a reward compare the reward with itself: no value and exactly no gradient, even
            // when their output is not finite.
            var shape = new long[derained.dim()];
            Array.Fill(shape, 1L);
            shape[0] = n;
            prediction = torch.where(keep.reshape(shape), derained, target);
        }
        var error = PerElement(prediction, target).flatten(1).mean([1L]); // e_n, [N]
        var count = keep is null ? torch.tensor((double)n, dtype: derained.dtype, device: derained.device)
                                 : keep.sum().to(derained.dtype);
        if (keep is not null) error = torch.where(keep, error, torch.zeros_like(error));

        if (ScoreWeighting == ScoreWeighting.Softmax)
        {
            var utilities = rewardScores!.reshape(n).to(derained.dtype, derained.device) / Temperature;
            if (keep is not null) utilities = utilities.masked_fill(keep.logical_not(), double.NegativeInfinity);
            var w = utilities.softmax(0) * count;
            if (keep is not null) w = torch.where(keep, w, torch.zeros_like(w));
            error = error * w;
        }

        var loss = error.sum() / count.clamp_min(1.0) * Weight;
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The element-wise penalty of <c>derained − rewards</c> (same shape as the inputs).</summary>
    protected abstract Tensor PerElement(Tensor derained, Tensor rewards);

    private void CheckPerSample(Tensor? t, long n, string name)
    {
        if (t is not null && t.numel() != n)
            throw new ArgumentException($"{Name} SR loss: {name} must hold one value per sample ({n}), got {Shape(t)}", name);
    }

    private static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
