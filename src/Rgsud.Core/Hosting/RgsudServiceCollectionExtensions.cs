using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Rgsud.Abstractions;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;

namespace Rgsud.Hosting;

/// <summary>Registers Rgsud's strategy components with a service collection.</summary>
public static class RgsudServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SelfReinforcementOptions"/> (validated on start), the default reward bank
    /// (<see cref="InMemoryRewardBank"/> in the scorer's direction), pseudo-pair synthesizer
    /// (<see cref="AutoPseudoPairSynthesizer"/>: rain-conditioned when the method has a rain renderer, additive
    /// otherwise), SR loss (<see cref="MseSelfReinforcementLoss"/> with λ2 from the options) and the
    /// <see cref="SelfReinforcementTrainerFactory"/>. Each component is registered with TryAdd, so registering your
    /// own <see cref="IRewardBank"/>, <see cref="IPseudoPairSynthesizer"/>, <see cref="ISelfReinforcementLoss"/> or
    /// <see cref="IRewardScorer"/> (before or after this call: the first registration wins for TryAdd, so register
    /// yours before, or use <c>Replace</c>) swaps it in. A scorer comes from Rgsud.Rewards (<c>AddRgsudScorers</c>)
    /// or from you.
    /// </summary>
    public static IServiceCollection AddRgsud(this IServiceCollection services, Action<SelfReinforcementOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<SelfReinforcementOptions>();
        if (configure is not null) builder.Configure(configure);
        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SelfReinforcementOptions>, SelfReinforcementOptionsValidator>());
        services.TryAddSingleton<IRewardBank>(sp =>
            new InMemoryRewardBank(sp.GetRequiredService<IRewardScorer>().Direction, sp.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value.ColdStartGuard));
        services.TryAddSingleton<IPseudoPairSynthesizer, AutoPseudoPairSynthesizer>();
        services.TryAddSingleton<ISelfReinforcementLoss>(sp =>
            new MseSelfReinforcementLoss(sp.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value.Lambda2));
        services.TryAddSingleton<SelfReinforcementTrainerFactory>();
        return services;
    }
}
