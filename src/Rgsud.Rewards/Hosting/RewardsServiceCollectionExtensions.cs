using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rgsud.Abstractions;
using Rgsud.Rewards.Scorers;

namespace Rgsud.Rewards.Hosting;

/// <summary>Registers a reward scorer from the <see cref="ScorerCatalog"/> with a service collection.</summary>
public static class RewardsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IRewardScorer"/> a spec names (e.g. <c>niqe</c>, <c>daclip</c>, <c>ensemble:niqe+critic</c>) as a
    /// singleton, created by <see cref="ScorerCatalog.Create(string, ScorerContext?)"/> on first use (TryAdd: a
    /// scorer registered before wins). The container disposes it when it is disposable.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="spec">The scorer spec.</param>
    /// <param name="context">Model paths (e.g. <see cref="ScorerContext.DaclipWeightsPath"/> for <c>daclip</c>), training folders and device.</param>
    public static IServiceCollection AddRgsudScorers(this IServiceCollection services, string spec, ScorerContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        services.TryAddSingleton(_ => ScorerCatalog.Create(spec, context));
        return services;
    }
}
