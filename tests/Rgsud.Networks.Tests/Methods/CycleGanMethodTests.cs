using Rgsud.Networks.Derainers;
using Rgsud.Networks.Methods.CycleGan;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Methods;

public sealed class CycleGanMethodTests
{
    /// <summary>Smaller than <see cref="CycleGanOptions.Small"/> (F with 8 base channels, one block; critics with 8), for speed.</summary>
    private static readonly CycleGanOptions Tiny = CycleGanOptions.Small with
    {
        Generator = new() { BaseChannels = 8, ResidualBlocks = 1 },
        Critic = CycleGanOptions.Small.Critic with { BaseChannels = 8 },
    };

    private static CycleGanMethod Create(long seed, CycleGanOptions? options = null)
    {
        torch.manual_seed(seed);
        return new CycleGanMethod(options ?? Tiny, new NafNet(NafNetOptions.Small));
    }

    /// <summary>A second method with the same weights (copied: tests run in parallel, so seeds do not reproduce).</summary>
    private static CycleGanMethod Twin(CycleGanMethod method)
    {
        var twin = Create(0, method.Options);
        MethodTestData.CopyNetworks(
            [method.Derainer, method.RainGenerator, method.CleanCritic, method.RainyCritic],
            [twin.Derainer, twin.RainGenerator, twin.CleanCritic, twin.RainyCritic]);
        return twin;
    }

    [Fact]
    public void ThreeSteps_GiveFiniteLosses()
    {
        using var method = Create(1, CycleGanOptions.Small);
        Assert.Equal("cyclegan", method.Name);
        Assert.Null(method.RainRenderer);
        Assert.False(method.CleanCritic.Options.HighPassInput);
        for (var step = 0; step < 3; step++)
        {
            var batch = MethodTestData.Batch(200 + step);
            using var scope = NewDisposeScope();
            var result = method.Step(batch, null, step);
            Assert.Equal(0, scope.DisposablesCount);
            Assert.Equal(0, result.SkippedUpdates);
            foreach (var name in new[] { "generators", "adv_clean", "adv_rainy", "cycle", "identity", "critics", "critic_clean", "critic_rainy" })
                Assert.True(double.IsFinite(result.Losses[name]), $"{name} = {result.Losses[name]}");
        }
        Assert.Equal(3, method.StepsTaken);
    }

    [Fact]
    public void ExtraObjective_ChangesTheDerainerUpdate()
    {
        using var plain = Create(3);
        using var withExtra = Twin(plain);
        var batch = MethodTestData.Batch(6);
        var objective = new ScaledOutputObjective(50);
        var r1 = plain.Step(batch, null, 0);
        var r2 = withExtra.Step(batch, objective, 0);
        Assert.Equal(1, objective.Calls);
        Assert.Null(objective.LastContext!.RainRenderer);
        Assert.NotNull(objective.LastContext.DerainedRainy);
        Assert.Equal(r1.Losses["cycle"], r2.Losses["cycle"]);
        Assert.Equal(r1.Losses["generators"] + r2.Losses["extra"], r2.Losses["generators"], 4);
        Assert.True(MethodTestData.AnyDifferent(MethodTestData.Snapshot(plain.Derainer), MethodTestData.Snapshot(withExtra.Derainer)));
        // The extra term does not depend on F: its update is the same.
        Assert.True(MethodTestData.AllEqual(MethodTestData.Snapshot(plain.RainGenerator), MethodTestData.Snapshot(withExtra.RainGenerator)));
    }

    [Fact]
    public void SaveAndLoadState_ReproduceTheNextStepExactly()
    {
        var dir = MethodTestData.TempDirectory();
        try
        {
            IReadOnlyDictionary<string, double> expected;
            var next = MethodTestData.Batch(11);
            using (var original = Create(4))
            {
                original.Step(MethodTestData.Batch(10), null, 0);
                original.SaveState(dir);
                expected = original.Step(next, null, 1).Losses;
            }
            using var restored = Create(99);
            restored.LoadState(dir);
            var actual = restored.Step(next, null, 1).Losses;
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, value) in expected) Assert.True(value == actual[name], $"{name}: {value} vs {actual[name]}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Step_WithoutIdentity_AndNchwBatches()
    {
        using var method = Create(5, Tiny with { IdentityWeight = 0 });
        var result = method.Step(MethodTestData.Batch(12, channelsLast: false), null, 0);
        Assert.False(result.Losses.ContainsKey("identity"));
        Assert.True(double.IsFinite(result.Losses["generators"]));
    }

    [Fact]
    public void Options_Validate()
    {
        Assert.Equal("CycleGanOptions.CycleWeight must be non-negative and finite, got -1",
            Assert.Throws<RgsudException>(() => new CycleGanOptions { CycleWeight = -1 }.Validate()).Message);
        Assert.Equal("CycleGanOptions.LearningRateGamma must be in (0, 1], got 2",
            Assert.Throws<RgsudException>(() => new CycleGanOptions { LearningRateGamma = 2 }.Validate()).Message);
        Assert.Equal(2e-4, CycleGanOptions.Reference.LearningRate);
    }
}
