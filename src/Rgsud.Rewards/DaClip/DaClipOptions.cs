namespace Rgsud.Rewards.DaClip;

/// <summary>Options of <see cref="DaClipScorer"/>.</summary>
public sealed record DaClipOptions
{
    /// <summary>How images are brought to 224×224 (default <see cref="DaClipPreprocess.CenterCrop"/>, as DA-CLIP).</summary>
    public DaClipPreprocess Preprocess { get; init; } = DaClipPreprocess.CenterCrop;

    /// <summary>
    /// The degradation whose probability the reward removes: the score is <c>1 − p(word)</c>. Default
    /// <see cref="DaClipScorer.Rainy"/> (rain streaks, the degradation deraining removes);
    /// <see cref="DaClipScorer.Raindrop"/> (drops on a lens or window) or any other word of the weights file may be chosen.
    /// </summary>
    public string RewardDegradation { get; init; } = DaClipScorer.Rainy;

    /// <summary>
    /// At most this many images go through the controller at once (default 16). The same batch always scores
    /// bit-identically; scoring an image within a batch of another size changes the float32 matrix shapes and may
    /// change its score in the last bits. 1 makes every score independent of its batch (slower).
    /// </summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="RgsudException">A value is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Preprocess)) throw new RgsudException($"unknown DA-CLIP preprocessing {(int)Preprocess}");
        if (string.IsNullOrWhiteSpace(RewardDegradation)) throw new RgsudException("DaClipOptions.RewardDegradation must name a degradation, e.g. 'rainy'");
        if (BatchSize < 1) throw new RgsudException($"DaClipOptions.BatchSize must be at least 1, got {BatchSize}");
    }
}
