namespace Rgsud.Rewards.Scorers;

/// <summary>How <see cref="EnsembleScorer"/> puts its members' utilities on one scale before weighting them.</summary>
public enum Normalization
{
    /// <summary>
    /// <c>(u − mean) / std</c> with a per-member mean and standard deviation fitted once by
    /// <see cref="EnsembleScorer.Calibrate(TorchSharp.torch.Tensor)"/> (e.g. on the rainy inputs at the first
    /// pass). Scores stay comparable across calls and passes, which a reward bank needs. The default; scoring
    /// before calibration throws.
    /// </summary>
    FixedAffine,

    /// <summary>
    /// The rank of the utility within the batch scaled to [0, 1] (ties share their mean rank; a batch of one gets
    /// 0.5). Only comparable within one call.
    /// </summary>
    Rank,

    /// <summary>
    /// <c>(u − batch mean) / batch std</c> (population std; 0 when the batch has no spread). Only comparable within
    /// one call.
    /// </summary>
    ZScore,
}
