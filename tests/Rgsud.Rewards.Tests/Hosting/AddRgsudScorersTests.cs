using Microsoft.Extensions.DependencyInjection;
using Rgsud.Abstractions;
using Rgsud.Hosting;
using Rgsud.Rewards.Hosting;
using Rgsud.Testing.Fakes;

namespace Rgsud.Rewards.Tests.Hosting;

/// <summary><c>AddRgsudScorers</c> with <c>AddRgsud</c>: the catalog's scorer is the default, yours wins.</summary>
public sealed class AddRgsudScorersTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Your_scorer_wins_over_the_catalog_and_the_catalog_is_never_asked(bool registeredFirst)
    {
        var mine = new HighFrequencyScorer();
        var services = new ServiceCollection();
        if (registeredFirst) services.AddSingleton<IRewardScorer>(mine);
        // 'niqe' without a model path would throw when created: it must not be created at all.
        services.AddRgsudScorers("niqe").AddRgsud();
        if (!registeredFirst) services.AddSingleton<IRewardScorer>(mine);

        using var provider = services.BuildServiceProvider();
        Assert.Same(mine, provider.GetRequiredService<SelfReinforcementTrainerFactory>().Scorer);
    }

    [Fact]
    public void The_catalog_scorer_is_created_on_first_use_with_the_catalog_message()
    {
        var services = new ServiceCollection();
        services.AddRgsudScorers("niqe").AddRgsud();
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<RgsudException>(() => provider.GetRequiredService<SelfReinforcementTrainerFactory>());
        Assert.Equal("scorer 'niqe' needs a pristine model: set ScorerContext.NiqeModelPath to niqe_pris_params.npz " +
            "(BasicSR's official parameters) or to a model JSON fitted with NiqeModel.Fit", e.Message);
    }

}
