using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rgsud.Abstractions;
using Rgsud.Hosting;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using Rgsud.Testing.Fakes;

namespace Rgsud.Core.Tests.Hosting;

public sealed class AddRgsudTests
{
    [Fact]
    public void Registers_every_default_component()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IRewardScorer, HighFrequencyScorer>();
        services.AddRgsud(o => o.Lambda2 = 0.5);
        using var provider = services.BuildServiceProvider(validateScopes: true);

        var bank = Assert.IsType<InMemoryRewardBank>(provider.GetRequiredService<IRewardBank>());
        Assert.Equal(ScoreDirection.LowerIsBetter, bank.Direction);
        Assert.IsType<AutoPseudoPairSynthesizer>(provider.GetRequiredService<IPseudoPairSynthesizer>());
        var loss = Assert.IsType<MseSelfReinforcementLoss>(provider.GetRequiredService<ISelfReinforcementLoss>());
        Assert.Equal(0.5, loss.Weight);
        var factory = provider.GetRequiredService<SelfReinforcementTrainerFactory>();
        Assert.Same(bank, factory.Bank);
    }

    [Fact]
    public void Each_component_can_be_replaced()
    {
        var myBank = new InMemoryRewardBank(ScoreDirection.LowerIsBetter, coldStartGuard: false);
        var mySynthesizer = new AdditiveRainLayerSynthesizer();
        var myLoss = new CharbonnierSelfReinforcementLoss(0.3);
        var services = new ServiceCollection();
        services.AddSingleton<IRewardScorer, BrightnessScorer>();
        services.AddSingleton<IRewardBank>(myBank);
        services.AddSingleton<IPseudoPairSynthesizer>(mySynthesizer);
        services.AddSingleton<ISelfReinforcementLoss>(myLoss);
        services.AddRgsud();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<SelfReinforcementTrainerFactory>();
        Assert.Same(myBank, factory.Bank);
        Assert.Same(mySynthesizer, factory.Synthesizer);
        Assert.Same(myLoss, factory.Loss);
        Assert.IsType<BrightnessScorer>(factory.Scorer);
    }

    [Fact]
    public void Invalid_options_fail_at_start_with_exact_messages()
    {
        var services = new ServiceCollection();
        services.AddRgsud(o =>
        {
            o.Iterations = 0;
            o.CropSize = 30;
            o.Lambda2 = -1;
            o.Stage1Iterations = 5;
        });
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SelfReinforcementOptions>>().Value);
        Assert.Equal(
        [
            "Iterations must be at least 1 (was 0).",
            "Stage1Iterations must be between 0 and Iterations (0) (was 5).",
            "CropSize must be a multiple of 8 and at least 16 (was 30).",
            "Lambda2 must be a finite number >= 0 (was -1).",
        ], e.Failures);
    }

    [Fact]
    public void Defaults_are_valid_and_follow_the_paper()
    {
        var o = new SelfReinforcementOptions();
        SelfReinforcementOptionsValidator.ThrowIfInvalid(o);
        SelfReinforcementOptionsValidator.ThrowIfInvalid(SelfReinforcementOptions.Cpu());
        Assert.Equal(1.0, o.Lambda1);
        Assert.Equal(0.8, o.Lambda2);
        Assert.Equal(256, o.CropSize);
        Assert.True(o.ColdStartGuard);
    }
}
