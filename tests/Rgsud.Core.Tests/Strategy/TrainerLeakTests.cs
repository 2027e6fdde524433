using TorchSharp;

namespace Rgsud.Core.Tests.Strategy;

/// <summary>No tensor outlives a strategy step: the live count is the same after every stage-2 step.</summary>
public sealed class TrainerLeakTests
{
    [Fact]
    public void Stage_2_steps_and_passes_leave_no_live_tensors()
    {
        using var data = TrainerTestData.Dataset();
        var options = TrainerTestData.Options(24, 8);
        options.ColdStartGuard = false;
        var trainer = TrainerTestData.Trainer(data, options, new Rgsud.Testing.Fakes.HighFrequencyScorer(), out var method, out _);
        using var disposeMethod = method;
        var live = new Dictionary<long, long>();
        var reports = new Dictionary<long, Rgsud.Strategy.TrainingProgress>();
        trainer.Train(new SyncProgress(p =>
        {
            if (p.Event is not null) return;
            live[p.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            reports[p.Step] = p;
        }));
        // The compared steps really are self-reinforcement steps: stage 2, with the SR and L_Der terms.
        foreach (var s in new long[] { 14, 15, 22, 23 })
        {
            Assert.Equal(2, reports[s].Stage);
            Assert.Contains("sr", reports[s].Losses.Keys);
        }
        // Steps 14 and 22 are both stage-2 steps two steps after a recycling pass (passes run every 4 steps).
        Assert.Equal(live[14], live[22]);
        Assert.Equal(live[15], live[23]);
        Assert.Equal(live[14], live[15]);
    }

    [Fact]
    public void One_stage_2_strategy_step_leaves_no_live_tensor()
    {
        using var data = TrainerTestData.Dataset();
        var options = TrainerTestData.Options(20, 8);
        options.ColdStartGuard = false;
        var trainer = TrainerTestData.Trainer(data, options, new Rgsud.Testing.Fakes.HighFrequencyScorer(), out var method, out var bank, null);
        using var disposeMethod = method;
        trainer.Train();
        Assert.True(bank.GetStatistics().Filled > 0, "stage 2 needs rewards in the bank");

        // Step 20 -> 21: a stage-2 step with rewards, no recycling pass (every 4), nothing written.
        options.Iterations = 21;
        Rgsud.Strategy.TrainingProgress? last = null;
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trainer.Train(new SyncProgress(p => last = p));
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(21, trainer.Step);
        Assert.Equal(2, last!.Stage);
        Assert.Contains("sr", last.Losses.Keys);
        Assert.Equal(before, after);
    }

    private sealed class SyncProgress(Action<Rgsud.Strategy.TrainingProgress> report) : IProgress<Rgsud.Strategy.TrainingProgress>
    {
        public void Report(Rgsud.Strategy.TrainingProgress value) => report(value);
    }
}
