using static TorchSharp.torch;

namespace Rgsud.Strategy.SelfReinforcementLosses;

/// <summary>
/// The paper's self-reinforcement loss <c>L_re = ||B_rw − Der(O_r)||²</c> as a mean squared error, times λ2
/// (default 0.8): <c>λ2 · mean((Der(O_r) − B_rw)²)</c> over the samples that have a reward. See
/// <see cref="SelfReinforcementLossBase"/> for the mask and score weighting.
/// </summary>
/// <param name="weight">λ2.</param>
/// <param name="scoreWeighting">How samples are weighted by reward score.</param>
/// <param name="temperature">The softmax temperature for <see cref="ScoreWeighting.Softmax"/>.</param>
public sealed class MseSelfReinforcementLoss(double weight = 0.8, ScoreWeighting scoreWeighting = ScoreWeighting.None, double temperature = 1.0)
    : SelfReinforcementLossBase(weight, scoreWeighting, temperature)
{
    /// <inheritdoc />
    public override string Name => "mse";

    /// <inheritdoc />
    protected override Tensor PerElement(Tensor derained, Tensor rewards) => (derained - rewards).square();
}
