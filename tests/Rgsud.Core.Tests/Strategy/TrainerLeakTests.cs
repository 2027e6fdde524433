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
        trainer.Train(new SyncProgress(p =>
        {
            if (p.Event is null) live[p.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }));
        // Steps 14 and 22 are both stage-2 steps two steps after a recycling pass (passes run every 4 steps).
        Assert.Equal(live[14], live[22]);
        Assert.Equal(live[15], live[23]);
        Assert.Equal(live[14], live[15]);
    }

    private sealed class SyncProgress(Action<Rgsud.Strategy.TrainingProgress> report) : IProgress<Rgsud.Strategy.TrainingProgress>
    {
        public void Report(Rgsud.Strategy.TrainingProgress value) => report(value);
    }
}
