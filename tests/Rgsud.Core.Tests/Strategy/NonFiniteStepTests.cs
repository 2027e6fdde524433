using System.Text.Json;
using Rgsud.Checkpoints;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using Rgsud.Testing;
using Rgsud.Testing.Fakes;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Strategy;

/// <summary>Issue 8, numerics: a non-finite loss never reaches the weights; N consecutive skips stop training.</summary>
public sealed class NonFiniteStepTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static SelfReinforcementTrainer Trainer(Rgsud.Data.UnpairedImageDataset data, SelfReinforcementOptions options,
        Func<long, bool> poisoned, out NonFiniteMethod method, string run)
    {
        manual_seed(1);
        method = new NonFiniteMethod(new TinyAdversarialMethod(new TinyDerainer(8)), poisoned);
        var scorer = new HighFrequencyScorer();
        var bank = new InMemoryRewardBank(scorer.Direction, options.ColdStartGuard);
        return new SelfReinforcementTrainer(method, data, scorer, bank, new AdditiveRainLayerSynthesizer(),
            new MseSelfReinforcementLoss(options.Lambda2), options, run);
    }

    [Fact]
    public void N_consecutive_non_finite_steps_stop_training_naming_N_and_keep_the_last_good_checkpoint()
    {
        using var data = TrainerTestData.Dataset();
        var options = TrainerTestData.Options(iterations: 24, stage1: 4);
        options.CheckpointEvery = 4;
        options.MaxConsecutiveSkippedSteps = 3;
        var run = dir.File("run");
        var trainer = Trainer(data, options, step => step >= 5, out var method, run);
        using var disposeMethod = method;

        var e = Assert.Throws<RgsudNumericsException>(() => trainer.Train());
        Assert.Contains("training stopped at step 7: 3 consecutive steps had non-finite losses or gradients", e.Message, StringComparison.Ordinal);
        Assert.Contains("the limit N = 3", e.Message, StringComparison.Ordinal);
        var lastGood = Path.Combine(run, "checkpoints", "step-0000000004");
        Assert.Contains($"the last good checkpoint is kept: {lastGood}", e.Message, StringComparison.Ordinal);

        // The NaN never reached the weights; the checkpoint written before is intact and is what a resume gets.
        Assert.Equal(3, method.PoisonedSteps);
        Assert.Equal(method.WeightsWhenPoisoned, NonFiniteMethod.Flatten(method.Derainer));
        Assert.All(NonFiniteMethod.Flatten(method.Derainer), w => Assert.True(float.IsFinite(w)));
        var store = new CheckpointStore(Path.Combine(run, "checkpoints"));
        Assert.Equal([4L], store.List().Select(c => c.Step));
        Assert.Null(CheckpointStore.Verify(lastGood));

        // Each skip is logged, then the stop.
        var events = File.ReadAllLines(Path.Combine(run, "log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.TryGetProperty("event", out _)).ToList();
        var skipped = events.Where(l => l.GetProperty("event").GetString() == "skipped-update").ToList();
        Assert.Equal([5L, 6L, 7L], skipped.Select(l => l.GetProperty("step").GetInt64()));
        Assert.Equal([1, 2, 3], skipped.Select(l => l.GetProperty("consecutiveSteps").GetInt32()));
        var stopped = Assert.Single(events, l => l.GetProperty("event").GetString() == "stopped");
        Assert.Equal(3, stopped.GetProperty("limit").GetInt32());
        Assert.Equal("step-0000000004", stopped.GetProperty("lastCheckpoint").GetString());
    }

    [Fact]
    public void Isolated_non_finite_steps_are_skipped_and_counted_without_stopping()
    {
        using var data = TrainerTestData.Dataset();
        var options = TrainerTestData.Options(iterations: 12, stage1: 4);
        options.MaxConsecutiveSkippedSteps = 2;
        var trainer = Trainer(data, options, step => step % 3 == 1, out var method, dir.File("run2"));
        using var disposeMethod = method;
        var result = trainer.Train();
        Assert.Equal(12, result.StepsCompleted);
        Assert.Equal(4, result.SkippedUpdates); // steps 1, 4, 7, 10
        Assert.All(NonFiniteMethod.Flatten(method.Derainer), w => Assert.True(float.IsFinite(w)));
    }
}
