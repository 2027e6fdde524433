namespace Rgsud.Cli.Commands;

/// <summary>The parsed options of <c>rgsud train</c>.</summary>
internal sealed record TrainRequest(
    string Rainy, string Clean, string Out, string Method, string? Derainer, string Strategy, string Scorer, string? NiqeModel,
    long? Iterations, double? Minutes, long? Stage1, int? RecycleEvery, int? Crop, int? Batch, long Seed, string Device,
    string Preset, bool Resume, string OnBadFile, string InBatch, int? LogEvery, int? CriticSteps = null, double? LearningRate = null,
    double? Lambda1 = null, double? Lambda2 = null, int? CheckpointEvery = null, int? KeepCheckpoints = null, int? MaxSkippedSteps = null)
{
    /// <summary>DA-CLIP weights for <c>--scorer daclip</c> (<c>--daclip-weights</c>).</summary>
    public string? DaclipWeights { get; init; }

    /// <summary>torchvision VGG19 weights for CSUD's perceptual term (<c>--vgg19-weights</c>).</summary>
    public string? Vgg19Weights { get; init; }

    /// <summary>CSUD's critic warm-up steps (<c>--critic-warmup</c>); null for the preset's.</summary>
    public int? CriticWarmup { get; init; }

    /// <summary>The stage-2 gate (<c>--stage2-min-improved</c>); null for the preset's.</summary>
    public double? Stage2MinImproved { get; init; }
}
