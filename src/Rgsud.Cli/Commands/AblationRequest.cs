namespace Rgsud.Cli.Commands;

/// <summary>The parsed options of <c>rgsud ablation</c>.</summary>
internal sealed record AblationRequest(
    string Rainy, string Clean, string TestRainy, string TestClean, string Out, string Method, double? Minutes, long? Iterations,
    IReadOnlyList<string> Scorers, long Seed, string? NiqeModel, string? Derainer, int? Crop, int? Batch, int? RecycleEvery, long? Stage1Iterations,
    int? CriticSteps, string? Json, int Jobs = 1, double? LearningRate = null, double? Lambda1 = null);
