namespace Rgsud.Strategy;

/// <summary>
/// Offering the crops a training step already derained to the reward bank (pasted into the slot's current
/// reward, or into the rainy input, and scored as a whole image), to save the cost of full recycling passes.
/// </summary>
public enum InBatchRecycling
{
    /// <summary>Only full recycling passes (the paper).</summary>
    Off,

    /// <summary>Full passes every <see cref="SelfReinforcementOptions.RecycleEvery"/> steps and in-batch offers in between.</summary>
    BetweenPasses,

    /// <summary>In-batch offers only, after one full pass at the start of stage 1's recycling.</summary>
    InsteadOfPasses,
}
