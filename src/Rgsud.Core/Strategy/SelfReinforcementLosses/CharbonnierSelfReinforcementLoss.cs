using static TorchSharp.torch;

namespace Rgsud.Strategy.SelfReinforcementLosses;

/// <summary>
/// A robust variant of the self-reinforcement loss: <c>λ2 · mean(sqrt((Der(O_r) − B_rw)² + ε²))</c> over the
/// samples that have a reward (Charbonnier, less pulled by the few pixels where a reward is locally wrong). See
/// <see cref="SelfReinforcementLossBase"/> for the mask and score weighting.
/// </summary>
public sealed class CharbonnierSelfReinforcementLoss : SelfReinforcementLossBase
{
    /// <summary>Creates the loss.</summary>
    /// <param name="weight">λ2.</param>
    /// <param name="eps">ε (positive, finite).</param>
    /// <param name="scoreWeighting">How samples are weighted by reward score.</param>
    /// <param name="temperature">The softmax temperature for <see cref="ScoreWeighting.Softmax"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public CharbonnierSelfReinforcementLoss(double weight = 0.8, double eps = 1e-3, ScoreWeighting scoreWeighting = ScoreWeighting.None, double temperature = 1.0)
        : base(weight, scoreWeighting, temperature)
    {
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "ε must be positive and finite");
        Eps = eps;
    }

    /// <summary>ε: the per-pixel loss at a zero difference.</summary>
    public double Eps { get; }

    /// <inheritdoc />
    public override string Name => "charbonnier";

    /// <inheritdoc />
    protected override Tensor PerElement(Tensor derained, Tensor rewards) => ((derained - rewards).square() + Eps * Eps).sqrt();
}
