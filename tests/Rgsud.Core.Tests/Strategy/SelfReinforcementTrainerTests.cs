using System.Text.Json;
using Rgsud.Abstractions;
using Rgsud.Strategy;
using Rgsud.Testing.Fakes;

namespace Rgsud.Core.Tests.Strategy;

public sealed class SelfReinforcementTrainerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rgsud-trainer-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Bank_fills_in_stage_1_and_stage_2_adds_the_sr_terms()
    {
        using var data = TrainerTestData.Dataset();
        var options = TrainerTestData.Options();
        options.ColdStartGuard = false; // a barely trained derainer rarely beats its input; the guard is tested below and in the bank tests
        var trainer = TrainerTestData.Trainer(data, options, new HighFrequencyScorer(), out var method, out var bank, dir);
        using var disposeMethod = method;
        var result = trainer.Train();

        Assert.Equal(24, result.StepsCompleted);
        Assert.Equal(12, result.Stage2StartStep);
        Assert.Equal(6, result.Passes.Count); // steps 4, 8, ..., 24
        Assert.All(result.Passes, p => Assert.Equal(6, p.Offered));
        var stats = bank.GetStatistics();
        Assert.Equal(6, stats.Slots);
        Assert.Equal(6, stats.Filled); // without the guard the first pass fills every slot
        Assert.Equal(6, result.Passes[0].Accepted);
        // Best-so-far: every slot is at least as good as its first-pass output, so the mean is too (lower is better).
        Assert.True(stats.MeanScore <= result.Passes[0].MeanCandidateScore + 1e-12, $"{stats.MeanScore} vs {result.Passes[0].MeanCandidateScore}");

        var lines = File.ReadAllLines(Path.Combine(dir, "log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var steps = lines.Where(l => !l.TryGetProperty("event", out _)).ToList();
        Assert.Equal(24, steps.Count);
        Assert.All(steps.Where(l => l.GetProperty("stage").GetInt32() == 1), l => Assert.False(l.GetProperty("losses").TryGetProperty("sr", out _)));
        Assert.All(steps.Where(l => l.GetProperty("stage").GetInt32() == 2), l => Assert.True(l.GetProperty("losses").TryGetProperty("sr", out _)));
        Assert.All(steps, l => Assert.True(l.GetProperty("bank").GetProperty("filled").GetInt32() >= 0));
        Assert.True(File.Exists(Path.Combine(dir, "bank", "manifest.json")));
        Assert.Single(Directory.GetDirectories(Path.Combine(dir, "checkpoints"), "step-*"));
    }

    [Fact]
    public void Swapping_the_scorer_changes_the_stage_2_trajectory_only()
    {
        using var data = TrainerTestData.Dataset();
        float[] Run(IRewardScorer scorer, long iterations, StrategyMode mode)
        {
            var options = TrainerTestData.Options(iterations);
            options.Strategy = mode;
            options.ColdStartGuard = false; // the first pass fills every slot; later passes keep what each scorer prefers
            var trainer = TrainerTestData.Trainer(data, options, scorer, out var method, out _);
            using var disposeMethod = method;
            trainer.Train();
            return TrainerTestData.Weights(method);
        }

        // Stage 1 does not use rewards: identical weights whatever the scorer.
        Assert.Equal(Run(new HighFrequencyScorer(), 12, StrategyMode.Rgsud), Run(new BrightnessScorer(), 12, StrategyMode.Rgsud));
        // Without the strategy the scorer is never used.
        Assert.Equal(Run(new HighFrequencyScorer(), 24, StrategyMode.None), Run(new BrightnessScorer(), 24, StrategyMode.None));
        // Stage 2 follows the rewards: a different scorer keeps different rewards, so the derainer moves differently.
        var a = Run(new HighFrequencyScorer(), 24, StrategyMode.Rgsud);
        var b = Run(new BrightnessScorer(), 24, StrategyMode.Rgsud);
        Assert.NotEqual(a, b);
        var none = Run(new HighFrequencyScorer(), 24, StrategyMode.None);
        Assert.NotEqual(a, none);
    }

    [Fact]
    public void Resume_reproduces_the_uninterrupted_run_exactly()
    {
        using var data = TrainerTestData.Dataset();
        var full = Path.Combine(dir, "full");
        var split = Path.Combine(dir, "split");

        var t1 = TrainerTestData.Trainer(data, TrainerTestData.Options(), new HighFrequencyScorer(), out var m1, out _, full);
        float[] uninterrupted;
        using (m1)
        {
            t1.Train();
            uninterrupted = TrainerTestData.Weights(m1);
        }

        // Stop after 10 steps (cancellation writes a checkpoint), then resume in a fresh process-like setup.
        using var cts = new CancellationTokenSource();
        var t2 = TrainerTestData.Trainer(data, TrainerTestData.Options(), new HighFrequencyScorer(), out var m2, out _, split);
        var partial = t2.Train(new SyncProgress(p => { if (p.Step >= 10 && p.Event is null) cts.Cancel(); }), cts.Token);
        m2.Dispose();
        Assert.True(partial.Cancelled);
        Assert.Equal(10, partial.StepsCompleted);

        var t3 = TrainerTestData.Trainer(data, TrainerTestData.Options(), new HighFrequencyScorer(), out var m3, out _, split, seed: 12345);
        using (m3)
        {
            Assert.Equal(10, t3.Resume());
            var rest = t3.Train();
            Assert.Equal(24, rest.StepsCompleted);
            Assert.Equal(uninterrupted, TrainerTestData.Weights(m3));
        }
        // Every logged step (losses and bank state) is identical; pass lines differ only in their timings.
        static string[] StepLines(string run) => File.ReadAllLines(Path.Combine(run, "log.jsonl")).Where(l => !l.Contains("\"event\"", StringComparison.Ordinal)).ToArray();
        Assert.Equal(StepLines(full), StepLines(split));
    }

    [Fact]
    public void Cold_start_guard_never_keeps_a_reward_worse_than_its_input()
    {
        using var data = TrainerTestData.Dataset();
        var trainer = TrainerTestData.Trainer(data, TrainerTestData.Options(12, 12), new BrightnessScorer(), out var method, out var bank);
        using var disposeMethod = method;
        var result = trainer.Train();
        Assert.Equal(3, result.Passes.Count);
        Assert.All(bank.GetSlots(), s => Assert.NotNull(s.InputScore));
        Assert.All(bank.GetSlots().Where(s => s.HasReward), s => Assert.True(s.Score < s.InputScore, $"{s.Id}: {s.Score} vs input {s.InputScore}"));
        Assert.Equal(result.Passes.Sum(p => p.Accepted) > 0, bank.GetStatistics().Filled > 0);
    }

    [Fact]
    public void In_batch_recycling_replaces_passes_with_crop_offers()
    {
        using var data = TrainerTestData.Dataset();
        var options = TrainerTestData.Options();
        options.ColdStartGuard = false;
        options.InBatchRecycling = InBatchRecycling.InsteadOfPasses;
        var trainer = TrainerTestData.Trainer(data, options, new HighFrequencyScorer(), out var method, out var bank);
        using var disposeMethod = method;
        var result = trainer.Train();
        var pass = Assert.Single(result.Passes); // one full pass before training, none after
        Assert.Equal(0, pass.Step);
        Assert.Equal(6, bank.GetStatistics().Filled);
        // Offers of derained crops (pasted into the current reward) were kept after step 0.
        Assert.Contains(bank.GetSlots(), s => s.Step > 0);
        Assert.True(bank.GetStatistics().MeanScore <= pass.MeanCandidateScore);
    }

    [Fact]
    public void A_time_budget_with_no_iteration_bound_reports_a_finite_ETA_and_stops_on_time()
    {
        // What `rgsud train --minutes M` does: Iterations is only a (huge) bound; the ETA must come from the budget.
        using var data = TrainerTestData.Dataset();
        var options = TrainerTestData.Options();
        options.Iterations = long.MaxValue / 4;
        options.Stage1Iterations = null;
        options.TimeBudget = TimeSpan.FromSeconds(3);
        options.LogEvery = 1;
        options.CheckpointEvery = 0;
        var trainer = TrainerTestData.Trainer(data, options, new HighFrequencyScorer(), out var method, out _);
        using var disposeMethod = method;
        var etas = new List<TimeSpan>();
        var result = trainer.Train(new SyncProgress(p => { if (p.Event is null) etas.Add(p.Eta); }));
        Assert.False(result.Cancelled);
        Assert.True(result.StepsCompleted > 0);
        Assert.NotEmpty(etas);
        Assert.All(etas, e => Assert.InRange(e, TimeSpan.Zero, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void The_stage_2_gate_defers_stage_2_until_a_pass_beats_the_inputs()
    {
        // 6 inputs, then passes at steps 4, 8, 12 score like their inputs (not better); from the pass at 16 on, better.
        using var data = TrainerTestData.Dataset();
        var options = TrainerTestData.Options(24, 12);
        options.Stage2MinImprovedShare = 0.8;
        var scorer = new ScriptedScorer(before: 6 + 3 * 6, early: 1.0, late: 0.5);
        var trainer = TrainerTestData.Trainer(data, options, scorer, out var method, out _, dir);
        using var disposeMethod = method;
        var result = trainer.Train();

        Assert.Equal(new[] { 0, 0, 0, 6, 6, 6 }, result.Passes.Select(p => p.Improved));
        Assert.Equal(1.0, result.Passes[^1].ImprovedShare);
        Assert.True(result.Stage2Deferred);
        Assert.Equal(16, result.Stage2StartStep);
        var events = File.ReadAllLines(Path.Combine(dir, "log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.TryGetProperty("event", out var e) && e.GetString() == "stage2-deferred").ToList();
        var deferred = Assert.Single(events);
        Assert.Equal(12, deferred.GetProperty("step").GetInt64());
        Assert.Equal(0.0, deferred.GetProperty("improvedShare").GetDouble());
        Assert.Equal(0.8, deferred.GetProperty("needed").GetDouble());
        Assert.Equal(12, deferred.GetProperty("lastPassStep").GetInt64());
    }

    [Fact]
    public void A_gate_no_pass_clears_leaves_the_base_method_and_the_paper_schedule_ignores_it()
    {
        using var data = TrainerTestData.Dataset();
        // Every output scores exactly like its input: never better.
        var gated = TrainerTestData.Options(24, 12);
        gated.Stage2MinImprovedShare = 0.5;
        var trainer = TrainerTestData.Trainer(data, gated, new ScriptedScorer(0, 1.0, 1.0), out var method, out _);
        using (method)
        {
            var result = trainer.Train();
            Assert.Null(result.Stage2StartStep);
            Assert.True(result.Stage2Deferred);
            Assert.Equal(6, result.Passes.Count);
            Assert.All(result.Passes, p => Assert.Equal(0, p.Improved));
        }

        // Gate 0 (the default, the paper's schedule): stage 2 starts on time with the same rewards.
        var paper = TrainerTestData.Options(24, 12);
        Assert.Equal(0, paper.Stage2MinImprovedShare);
        var onTime = TrainerTestData.Trainer(data, paper, new ScriptedScorer(0, 1.0, 1.0), out var method2, out _);
        using (method2)
        {
            var result = onTime.Train();
            Assert.Equal(12, result.Stage2StartStep);
            Assert.False(result.Stage2Deferred);
        }
    }

    /// <summary>IProgress that runs on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
