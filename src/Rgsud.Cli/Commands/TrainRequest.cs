namespace Rgsud.Cli.Commands;

/// <summary>The parsed options of <c>rgsud train</c>.</summary>
internal sealed record TrainRequest(
    string Rainy, string Clean, string Out, string Method, string? Derainer, string Strategy, string Scorer, string? NiqeModel,
    long? Iterations, double? Minutes, long? Stage1, int? RecycleEvery, int? Crop, int? Batch, long Seed, string Device,
    string Preset, bool Resume, string OnBadFile, string InBatch, int? LogEvery, int? CriticSteps = null, double? LearningRate = null,
    double? Lambda1 = null, double? Lambda2 = null);
