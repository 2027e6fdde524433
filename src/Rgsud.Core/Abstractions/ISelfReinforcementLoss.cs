using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>
/// The self-reinforcement loss <c>L_re</c> between the derainer's output on real rainy crops and their rewards
/// (paper: <c>||B_rw − Der(O_r)||²</c>, weight λ2 = 0.8). Differentiable with respect to
/// the derained input.
/// </summary>
public interface ISelfReinforcementLoss
{
    /// <summary>A short name for logs and options.</summary>
    string Name { get; }

    /// <summary>The weight λ2 the loss is multiplied by.</summary>
    double Weight { get; }

    /// <summary>
    /// The weighted scalar loss. <paramref name="derained"/> and <paramref name="rewards"/> are <c>[N,3,h,w]</c>;
    /// <paramref name="rewardScores"/> (<c>[N]</c>, higher-is-better utilities) is given for losses that weight
    /// samples by reward quality; <paramref name="mask"/> (<c>[N]</c> bool) marks samples that have a reward.
    /// </summary>
    Tensor Compute(Tensor derained, Tensor rewards, Tensor? rewardScores = null, Tensor? mask = null);
}
