namespace Rgsud.Strategy;

/// <summary>Whether the trainer applies the reward-guided self-reinforcement strategy.</summary>
public enum StrategyMode
{
    /// <summary>Stage 1 (reward recycling) then stage 2 (self-reinforcement), as in the paper.</summary>
    Rgsud,

    /// <summary>The base method alone: no recycling, no extra objective (the ablation's "base" arm).</summary>
    None,
}
