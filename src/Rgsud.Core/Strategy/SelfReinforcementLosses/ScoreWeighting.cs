namespace Rgsud.Strategy.SelfReinforcementLosses;

/// <summary>How a self-reinforcement loss weights the samples of a batch by their rewards' scores.</summary>
public enum ScoreWeighting
{
    /// <summary>Every sample with a reward counts the same (the paper).</summary>
    None,

    /// <summary>
    /// Weights <c>softmax(u / T) × M</c> over the <c>M</c> samples that have a reward (<c>u</c>: their
    /// higher-is-better utilities, <c>T</c>: the temperature), so the mean weight is 1 and better rewards pull
    /// harder. A large temperature tends to <see cref="None"/>.
    /// </summary>
    Softmax,
}
