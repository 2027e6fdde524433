namespace Rgsud.Rewards.Niqe;

/// <summary>Options of <see cref="NiqeModel.Fit(IEnumerable{string}, NiqeFitOptions?, CancellationToken)"/>; the defaults are the official NIQE training's.</summary>
public sealed record NiqeFitOptions
{
    /// <summary>
    /// A 96×96 patch is kept when its sharpness (mean local σ at the first scale) is greater than this fraction of
    /// the sharpest patch of the same image (the official <c>sh_th</c>, 0.75). In [0, 1).
    /// </summary>
    public double SharpnessThreshold { get; init; } = 0.75;

    /// <summary>The fewest kept patches (with finite features) a fit accepts; at least 2. Default 2.</summary>
    public int MinimumPatches { get; init; } = 2;

    /// <summary>Images processed at once (≥ 1); -1 (the default) uses every core.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(SharpnessThreshold >= 0 && SharpnessThreshold < 1))
            throw new RgsudException($"NiqeFitOptions.SharpnessThreshold must be in [0, 1), got {SharpnessThreshold}");
        if (MinimumPatches < 2)
            throw new RgsudException($"NiqeFitOptions.MinimumPatches must be at least 2, got {MinimumPatches}");
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new RgsudException($"NiqeFitOptions.MaxDegreeOfParallelism must be -1 or at least 1, got {MaxDegreeOfParallelism}");
    }
}
