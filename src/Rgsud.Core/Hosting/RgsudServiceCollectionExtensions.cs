using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rgsud.Abstractions;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;

namespace Rgsud.Hosting;

/// <summary>
/// Registers Rgsud's strategy components with a service collection (docs/dependency-injection.md).
/// </summary>
/// <remarks>
/// <para>Every component is registered with <c>TryAdd</c> as a singleton, so yours wins whatever the order:
/// registered <em>before</em> <c>AddRgsud</c>, the default is not added; registered <em>after</em>, yours is the last
/// registration, which is the one the container resolves. The four replaceable components are
/// <see cref="IRewardScorer"/> (none by default: <c>AddRgsudScorers</c> from Rgsud.Rewards, or yours),
/// <see cref="IRewardBank"/>, <see cref="IPseudoPairSynthesizer"/> and <see cref="ISelfReinforcementLoss"/>.</para>
/// <para><see cref="SelfReinforcementOptions"/> are validated by <see cref="SelfReinforcementOptionsValidator"/> when
/// the host starts (<c>ValidateOnStart</c>; without a host, <c>IStartupValidator.Validate()</c> or the first
/// <c>IOptions.Value</c> does it), so a bad configuration fails at start with every broken rule listed.</para>
/// </remarks>
public static class RgsudServiceCollectionExtensions
{
    /// <summary>The configuration section the documentation and samples bind: <c>"Rgsud"</c>.</summary>
    public const string ConfigurationSectionName = "Rgsud";

    /// <summary>The message of the <see cref="InvalidOperationException"/> thrown when no <see cref="IRewardScorer"/> is registered.</summary>
    internal const string NoScorerMessage =
        "Rgsud: no IRewardScorer is registered. Call services.AddRgsudScorers(\"niqe\", new ScorerContext { ... }) " +
        "(package Rgsud.Rewards) or register your own: services.AddSingleton<IRewardScorer, MyScorer>().";

    /// <summary>
    /// Registers <see cref="SelfReinforcementOptions"/> (validated on start), the default reward bank
    /// (<see cref="InMemoryRewardBank"/> in the scorer's direction, with the options' cold-start guard), pseudo-pair
    /// synthesizer (<see cref="AutoPseudoPairSynthesizer"/>: rain-conditioned when the method has a rain renderer,
    /// additive otherwise), SR loss (<see cref="MseSelfReinforcementLoss"/> with λ2 from the options) and the
    /// <see cref="SelfReinforcementTrainerFactory"/>. Your own registration of any component wins (see the remarks).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code; null keeps the defaults (the paper's settings).</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRgsud(this IServiceCollection services, Action<SelfReinforcementOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<SelfReinforcementOptions>();
        if (configure is not null) builder.Configure(configure);
        return AddCore(services, builder);
    }

    /// <summary>
    /// As <see cref="AddRgsud(IServiceCollection, Action{SelfReinforcementOptions}?)"/>, with the options bound from
    /// <paramref name="configuration"/> (usually <c>configuration.GetSection(RgsudServiceCollectionExtensions.ConfigurationSectionName)</c>):
    /// keys are the property names of <see cref="SelfReinforcementOptions"/> (<c>Iterations</c>, <c>CropSize</c>,
    /// <c>TimeBudget</c> as <c>hh:mm:ss</c>, <c>Strategy</c> as <c>Rgsud</c> or <c>None</c>, ...). A key that is
    /// not an option fails at start (a misspelt key is never silently ignored); <paramref name="configure"/> runs
    /// after binding, so code overrides configuration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <param name="configure">Sets options in code after binding; may be null.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRgsud(this IServiceCollection services, IConfiguration configuration, Action<SelfReinforcementOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<SelfReinforcementOptions>()
            .Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        if (configure is not null) builder.Configure(configure);
        return AddCore(services, builder);
    }

    private static IServiceCollection AddCore(IServiceCollection services, OptionsBuilder<SelfReinforcementOptions> builder)
    {
        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SelfReinforcementOptions>, SelfReinforcementOptionsValidator>());
        services.TryAddSingleton<IRewardBank>(sp =>
            new InMemoryRewardBank(Scorer(sp).Direction, sp.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value.ColdStartGuard));
        services.TryAddSingleton<IPseudoPairSynthesizer, AutoPseudoPairSynthesizer>();
        services.TryAddSingleton<ISelfReinforcementLoss>(sp =>
            new MseSelfReinforcementLoss(sp.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value.Lambda2));
        services.TryAddSingleton(sp => new SelfReinforcementTrainerFactory(
            Scorer(sp),
            sp.GetRequiredService<IRewardBank>(),
            sp.GetRequiredService<IPseudoPairSynthesizer>(),
            sp.GetRequiredService<ISelfReinforcementLoss>(),
            sp.GetRequiredService<IOptions<SelfReinforcementOptions>>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }

    private static IRewardScorer Scorer(IServiceProvider services) =>
        services.GetService<IRewardScorer>() ?? throw new InvalidOperationException(NoScorerMessage);
}
