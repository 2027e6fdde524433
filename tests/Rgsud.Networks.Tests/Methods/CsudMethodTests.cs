using Rgsud.Networks.Critics;
using Rgsud.Networks.Derainers;
using Rgsud.Networks.Methods.Csud;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Methods;

public sealed class CsudMethodTests
{
    /// <summary>Smaller than <see cref="CsudOptions.Small"/> (T with 8 base channels, one block; D with 8), for speed; CSUD's learning rate.</summary>
    private static readonly CsudOptions Tiny = CsudOptions.Small with
    {
        LearningRate = 1e-4,
        Generator = new() { BaseChannels = 8, ResidualBlocks = 1 },
        Critic = PatchGanOptions.Small with { BaseChannels = 8 },
    };

    private static CsudMethod Create(long seed, CsudOptions? options = null)
    {
        torch.manual_seed(seed);
        return new CsudMethod(options ?? Tiny, new NafNet(NafNetOptions.Small));
    }

    /// <summary>A second method with the same weights (copied: tests run in parallel, so seeds do not reproduce).</summary>
    private static CsudMethod Twin(CsudMethod method)
    {
        var twin = Create(0, method.Options);
        MethodTestData.CopyNetworks([method.Derainer, method.Generator, method.Critic], [twin.Derainer, twin.Generator, twin.Critic]);
        return twin;
    }

    [Fact]
    public void ThreeSteps_GiveFiniteLosses_AndLeakNothing()
    {
        using var method = Create(1, CsudOptions.Small);
        Assert.Equal("csud", method.Name);
        Assert.Same(method.Generator, method.RainRenderer);
        for (var step = 0; step < 3; step++)
        {
            var batch = MethodTestData.Batch(100 + step);
            MethodStepResultAssert(method, batch, step);
        }
        Assert.Equal(3, method.StepsTaken);

        static void MethodStepResultAssert(CsudMethod method, Abstractions.UnpairedBatch batch, long step)
        {
            using var scope = NewDisposeScope();
            var result = method.Step(batch, null, step);
            Assert.Equal(0, scope.DisposablesCount);
            Assert.Equal(0, result.SkippedUpdates);
            foreach (var name in new[] { "derainer", "derainer_l1", "derainer_ssim", "derainer_selfrec", "generator", "generator_selfrec", "generator_cc", "generator_adv", "critic" })
                Assert.True(double.IsFinite(result.Losses[name]), $"{name} = {result.Losses[name]}");
            Assert.Equal(5e-4, result.Losses["lr"]);
        }
    }

    [Fact]
    public void Step_UpdatesAllThreeNetworks()
    {
        using var method = Create(2);
        var g = MethodTestData.Snapshot(method.Derainer);
        var t = MethodTestData.Snapshot(method.Generator);
        var d = MethodTestData.Snapshot(method.Critic);
        method.Step(MethodTestData.Batch(5), null, 0);
        Assert.True(MethodTestData.AnyDifferent(g, MethodTestData.Snapshot(method.Derainer)));
        Assert.True(MethodTestData.AnyDifferent(t, MethodTestData.Snapshot(method.Generator)));
        Assert.True(MethodTestData.AnyDifferent(d, MethodTestData.Snapshot(method.Critic)));
    }

    [Fact]
    public void ExtraObjective_ChangesOnlyTheDerainerUpdate()
    {
        using var plain = Create(3);
        using var withExtra = Twin(plain);
        var batch = MethodTestData.Batch(6);
        var objective = new ScaledOutputObjective(50);

        var r1 = plain.Step(batch, null, 0);
        var r2 = withExtra.Step(batch, objective, 0);

        Assert.Equal(1, objective.Calls);
        Assert.NotNull(objective.LastContext!.DerainedRainy);
        Assert.Same(withExtra.RainRenderer, objective.LastContext.RainRenderer);
        Assert.True(r2.Losses.ContainsKey("extra"));
        Assert.Equal(r1.Losses["derainer_l1"], r2.Losses["derainer_l1"]);
        Assert.Equal(r1.Losses["derainer"] + r2.Losses["extra"], r2.Losses["derainer"], 4);
        Assert.True(MethodTestData.AnyDifferent(MethodTestData.Snapshot(plain.Derainer), MethodTestData.Snapshot(withExtra.Derainer)));
    }

    [Fact]
    public void SaveAndLoadState_ReproduceTheNextStepExactly()
    {
        var dir = MethodTestData.TempDirectory();
        try
        {
            IReadOnlyDictionary<string, double> expected;
            var next = MethodTestData.Batch(11);
            using (var original = Create(4, Tiny with { Milestones = [1] }))
            {
                original.Step(MethodTestData.Batch(10), null, 0);
                original.SaveState(dir);
                expected = original.Step(next, null, 1).Losses;
            }
            Assert.True(File.Exists(Path.Combine(dir, "derainer.safetensors")));
            Assert.True(File.Exists(Path.Combine(dir, "generator.optimizer.bin")));

            using var restored = Create(99, Tiny with { Milestones = [1] });
            restored.LoadState(dir);
            Assert.Equal(1, restored.StepsTaken);
            var actual = restored.Step(next, null, 1).Losses;
            Assert.Equal(5e-5, actual["lr"]);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, value) in expected) Assert.True(value == actual[name], $"{name}: {value} vs {actual[name]}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LoadState_OfAnotherMethod_Throws()
    {
        var dir = MethodTestData.TempDirectory();
        try
        {
            File.WriteAllText(Path.Combine(dir, "method.json"), """{"method":"cyclegan","steps":3}""");
            using var method = Create(5);
            var ex = Assert.Throws<RgsudException>(() => method.LoadState(dir));
            Assert.Contains("holds the state of method 'cyclegan', not 'csud'", ex.Message, StringComparison.Ordinal);
            Assert.Throws<RgsudFileException>(() => method.LoadState(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Step_AcceptsNchwBatches()
    {
        using var method = Create(6);
        var result = method.Step(MethodTestData.Batch(12, channelsLast: false), null, 0);
        Assert.True(double.IsFinite(result.Losses["derainer"]));
    }

    [Fact]
    public void Step_WorksWithAnotherDerainer()
    {
        torch.manual_seed(9);
        using var method = new CsudMethod(Tiny, new RestormerLite(RestormerLiteOptions.Small with { Dim = 8, Heads = [1, 1, 2, 2] }));
        var result = method.Step(MethodTestData.Batch(13), new ScaledOutputObjective(1), 0);
        Assert.Equal(0, result.SkippedUpdates);
        Assert.True(double.IsFinite(result.Losses["derainer"]));
    }

    [Fact]
    public void ChannelConsistency_IsZeroForAGreyRainLayer()
    {
        using var scope = NewDisposeScope();
        var clean = rand(2, 3, 8, 8);
        var grey = rand(2, 1, 8, 8).expand(2, 3, 8, 8);
        Assert.Equal(0f, CsudMethod.ChannelConsistency(clean, clean + grey).item<float>(), 6);
        var coloured = clean + tensor(new float[] { 0.1f, 0.2f, 0.4f }).reshape(1, 3, 1, 1);
        // |0.1 − 0.2| + |0.2 − 0.4| + |0.4 − 0.1| = 0.6
        Assert.Equal(0.6f, CsudMethod.ChannelConsistency(clean, coloured).item<float>(), 5);
    }

    [Fact]
    public void LearningRate_DecaysAtMilestones()
    {
        using var method = Create(7, Tiny with { Milestones = [10, 20], LearningRateGamma = 0.5 });
        Assert.Equal(1e-4, method.LearningRateAt(9));
        Assert.Equal(5e-5, method.LearningRateAt(10));
        Assert.Equal(2.5e-5, method.LearningRateAt(25));
    }

    [Fact]
    public void Options_Validate()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-vgg19.safetensors");
        var ex = Assert.Throws<RgsudException>(() => Create(8, Tiny with { Vgg19WeightsPath = missing }));
        Assert.Equal($"CsudOptions.Vgg19WeightsPath: the VGG19 weights file '{missing}' does not exist", ex.Message);
        Assert.Equal("CsudOptions.LearningRate must be positive and finite, got 0",
            Assert.Throws<RgsudException>(() => new CsudOptions { LearningRate = 0 }.Validate()).Message);
        Assert.Equal("CsudOptions.Milestones[0] must not be negative, got -1",
            Assert.Throws<RgsudException>(() => new CsudOptions { Milestones = [-1] }.Validate()).Message);
        Assert.Equal(0.99, CsudOptions.Reference.Beta2);
        Assert.Equal(32, CsudOptions.Small.Generator.BaseChannels);
        Assert.Equal(1e-4, CsudOptions.Reference.LearningRate);
        Assert.Equal(5e-4, CsudOptions.Small.LearningRate);
        Assert.Equal("CsudOptions.CriticWarmupSteps must not be negative, got -1",
            Assert.Throws<RgsudException>(() => new CsudOptions { CriticWarmupSteps = -1 }.Validate()).Message);
    }

    [Fact]
    public void CriticWarmup_UpdatesOnlyTheCritic_ThenTheJointStepsBegin()
    {
        using var method = Create(9, Tiny with { CriticWarmupSteps = 2 });
        var g = MethodTestData.Snapshot(method.Derainer);
        var t = MethodTestData.Snapshot(method.Generator);
        var d = MethodTestData.Snapshot(method.Critic);
        for (long step = 0; step < 2; step++)
        {
            var warm = method.Step(MethodTestData.Batch(20 + (int)step), null, step);
            Assert.Equal(new[] { "critic", "lr" }, warm.Losses.Keys.Order());
            Assert.True(double.IsFinite(warm.Losses["critic"]));
        }
        Assert.False(MethodTestData.AnyDifferent(g, MethodTestData.Snapshot(method.Derainer)));
        Assert.False(MethodTestData.AnyDifferent(t, MethodTestData.Snapshot(method.Generator)));
        var dWarm = MethodTestData.Snapshot(method.Critic);
        Assert.True(MethodTestData.AnyDifferent(d, dWarm));

        var joint = method.Step(MethodTestData.Batch(22), null, 2);
        Assert.Contains("derainer", joint.Losses.Keys);
        Assert.Contains("generator_adv", joint.Losses.Keys);
        Assert.True(MethodTestData.AnyDifferent(g, MethodTestData.Snapshot(method.Derainer)));
        Assert.True(MethodTestData.AnyDifferent(t, MethodTestData.Snapshot(method.Generator)));
        Assert.Equal(3, method.StepsTaken);
    }
}
