namespace Rgsud.Rewards.Scorers;

/// <summary>The contents of a saved critic's <see cref="RainCritic.ConfigFileName"/>.</summary>
internal sealed record RainCriticConfig(string Format, int Version, double Temperature, RainCriticOptions? Options, RainCriticTrainingSummary? Summary);
