using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rgsud.Abstractions;
using Rgsud.Hosting;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using Rgsud.Testing.Fakes;

namespace Rgsud.Core.Tests.Hosting;

/// <summary>Each of the four strategy components can be replaced by registering your own, before or after <c>AddRgsud</c>.</summary>
public sealed class AddRgsudReplacementTests
{
    public static TheoryData<string, bool> Cases { get; } = new()
    {
        { "scorer", true }, { "scorer", false },
        { "bank", true }, { "bank", false },
        { "synthesizer", true }, { "synthesizer", false },
        { "loss", true }, { "loss", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Your_component_wins_and_the_others_stay_default(string component, bool registeredBeforeAddRgsud)
    {
        var myScorer = new BrightnessScorer();
        var myBank = new InMemoryRewardBank(ScoreDirection.LowerIsBetter, coldStartGuard: false);
        var mySynthesizer = new AdditiveRainLayerSynthesizer();
        var myLoss = new CharbonnierSelfReinforcementLoss(0.3);
        var services = new ServiceCollection();
        // Stands in for a library default registered with TryAdd, as AddRgsudScorers does.
        services.TryAddSingleton<IRewardScorer, HighFrequencyScorer>();
        void RegisterMine()
        {
            switch (component)
            {
                case "scorer": services.AddSingleton<IRewardScorer>(myScorer); break;
                case "bank": services.AddSingleton<IRewardBank>(myBank); break;
                case "synthesizer": services.AddSingleton<IPseudoPairSynthesizer>(mySynthesizer); break;
                case "loss": services.AddSingleton<ISelfReinforcementLoss>(myLoss); break;
                default: throw new ArgumentOutOfRangeException(nameof(component));
            }
        }
        if (registeredBeforeAddRgsud) RegisterMine();
        services.AddRgsud();
        if (!registeredBeforeAddRgsud) RegisterMine();

        using var provider = services.BuildServiceProvider(validateScopes: true);
        var factory = provider.GetRequiredService<SelfReinforcementTrainerFactory>();

        if (component == "scorer") Assert.Same(myScorer, factory.Scorer);
        else Assert.IsType<HighFrequencyScorer>(factory.Scorer);
        if (component == "bank") Assert.Same(myBank, factory.Bank);
        else Assert.IsType<InMemoryRewardBank>(factory.Bank);
        if (component == "synthesizer") Assert.Same(mySynthesizer, factory.Synthesizer);
        else Assert.IsType<AutoPseudoPairSynthesizer>(factory.Synthesizer);
        if (component == "loss") Assert.Same(myLoss, factory.Loss);
        else Assert.IsType<MseSelfReinforcementLoss>(factory.Loss);
        // What the factory holds is what the container hands out.
        Assert.Same(provider.GetRequiredService<IRewardScorer>(), factory.Scorer);
        Assert.Same(provider.GetRequiredService<IRewardBank>(), factory.Bank);
    }

    [Fact]
    public void Without_a_scorer_the_factory_says_how_to_add_one()
    {
        var services = new ServiceCollection();
        services.AddRgsud();
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<SelfReinforcementTrainerFactory>());
        Assert.Equal(
            "Rgsud: no IRewardScorer is registered. Call services.AddRgsudScorers(\"niqe\", new ScorerContext { ... }) " +
            "(package Rgsud.Rewards) or register your own: services.AddSingleton<IRewardScorer, MyScorer>().",
            e.Message);
        Assert.Equal(RgsudServiceCollectionExtensions.NoScorerMessage, e.Message);
    }

    [Fact]
    public void Calling_AddRgsud_twice_registers_one_validator_and_one_of_each_component()
    {
        var services = new ServiceCollection();
        services.AddRgsud();
        services.AddRgsud();
        Assert.Single(services, d => d.ServiceType == typeof(IRewardBank));
        Assert.Single(services, d => d.ServiceType == typeof(IPseudoPairSynthesizer));
        Assert.Single(services, d => d.ServiceType == typeof(ISelfReinforcementLoss));
        Assert.Single(services, d => d.ServiceType == typeof(SelfReinforcementTrainerFactory));
        Assert.Single(services, d => d.ImplementationType == typeof(SelfReinforcementOptionsValidator));
    }
}
