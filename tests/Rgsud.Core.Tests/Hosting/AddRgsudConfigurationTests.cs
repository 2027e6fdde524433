using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rgsud.Abstractions;
using Rgsud.Hosting;
using Rgsud.Strategy;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Testing.Fakes;

namespace Rgsud.Core.Tests.Hosting;

/// <summary><c>AddRgsud(IConfiguration)</c>: binding, code overrides, validation on start with exact messages.</summary>
public sealed class AddRgsudConfigurationTests
{
    private static IConfigurationSection Section(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"Rgsud:{v.Key}", v.Value)))
            .Build()
            .GetSection(RgsudServiceCollectionExtensions.ConfigurationSectionName);

    private static ServiceProvider Provider(IConfiguration configuration, Action<SelfReinforcementOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IRewardScorer, HighFrequencyScorer>();
        services.AddRgsud(configuration, configure);
        return services.BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public void Binds_every_kind_of_option_from_configuration()
    {
        using var provider = Provider(Section(
            ("Iterations", "40"), ("Stage1Iterations", "15"), ("CropSize", "64"), ("BatchSize", "3"),
            ("TimeBudget", "00:10:00"), ("Strategy", "None"), ("ColdStartGuard", "false"), ("Lambda1", "0.5"),
            ("Lambda2", "0.25"), ("InBatchRecycling", "BetweenPasses"), ("Seed", "7")));

        var o = provider.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value;
        Assert.Equal(40, o.Iterations);
        Assert.Equal(15, o.Stage1Iterations);
        Assert.Equal(64, o.CropSize);
        Assert.Equal(3, o.BatchSize);
        Assert.Equal(TimeSpan.FromMinutes(10), o.TimeBudget);
        Assert.Equal(StrategyMode.None, o.Strategy);
        Assert.False(o.ColdStartGuard);
        Assert.Equal(0.5, o.Lambda1);
        Assert.Equal(0.25, o.Lambda2);
        Assert.Equal(InBatchRecycling.BetweenPasses, o.InBatchRecycling);
        Assert.Equal(7, o.Seed);
        // Keys left out keep the defaults.
        Assert.Equal(new SelfReinforcementOptions().RecycleEvery, o.RecycleEvery);
        // The default SR loss takes λ2 from the bound options.
        Assert.Equal(0.25, Assert.IsType<MseSelfReinforcementLoss>(
            provider.GetRequiredService<ISelfReinforcementLoss>()).Weight);
    }

    [Fact]
    public void Code_runs_after_binding_and_wins()
    {
        using var provider = Provider(Section(("Iterations", "40"), ("Stage1Iterations", "20"), ("CropSize", "64")), o => o.CropSize = 32);
        var o = provider.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value;
        Assert.Equal(40, o.Iterations);
        Assert.Equal(32, o.CropSize);
    }

    [Fact]
    public void An_empty_Stage1Iterations_leaves_the_switch_to_the_plateau_detector()
    {
        using var provider = Provider(Section(("Iterations", "40"), ("Stage1Iterations", "")));
        Assert.Null(provider.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value.Stage1Iterations);
    }

    [Fact]
    public void Invalid_configuration_fails_at_start_with_exact_messages()
    {
        using var provider = Provider(Section(
            ("Iterations", "10"), ("Stage1Iterations", "20"), ("BatchSize", "0"), ("TimeBudget", "-00:01:00"),
            ("Stage1BudgetFraction", "1.5"), ("Stage2MinImprovedShare", "-0.1"), ("Lambda1", "NaN"), ("KeepCheckpoints", "0")));

        // What the host runs at start (ValidateOnStart): nothing has asked for the options yet.
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal(
        [
            "Stage1Iterations must be between 0 and Iterations (10) (was 20).",
            "TimeBudget must be positive (was -00:01:00).",
            "Stage1BudgetFraction must be between 0 and 1 (was 1.5).",
            "Stage2MinImprovedShare must be between 0 and 1 (was -0.1).",
            "BatchSize must be at least 1 (was 0).",
            "Lambda1 must be a finite number >= 0 (was NaN).",
            "KeepCheckpoints must be at least 1 (was 0).",
        ], e.Failures);
        Assert.Equal(typeof(SelfReinforcementOptions), e.OptionsType);
    }

    [Fact]
    public void Valid_configuration_passes_the_start_validation()
    {
        using var provider = Provider(Section(("Iterations", "10"), ("Stage1Iterations", "5")));
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void A_misspelt_key_fails_at_start_and_names_the_key()
    {
        using var provider = Provider(Section(("Iterations", "10"), ("Iteratoins", "20")));
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("'Iteratoins'", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SelfReinforcementOptions), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_does_not_convert_fails_at_start_and_names_the_key()
    {
        using var provider = Provider(Section(("CropSize", "large")));
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Rgsud:CropSize", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_is_required()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>(() => services.AddRgsud((IConfiguration)null!));
    }
}
