using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rgsud.Abstractions;
using Rgsud.Checkpoints;
using Rgsud.Data;
using Rgsud.Inference;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Strategy;

/// <summary>
/// The two-stage reward-guided self-reinforcement trainer. It wraps any <see cref="IUnpairedMethod"/>:
/// <b>stage 1</b> trains the method as it is and every K steps runs a recycling pass that fills the reward bank;
/// <b>stage 2</b> continues from the stage-1 weights and hands the method an extra derainer objective
/// (<see cref="SelfReinforcementObjective"/>: SR loss on aligned reward crops plus L_Der on pseudo pairs) while
/// recycling continues. The switch happens after <see cref="SelfReinforcementOptions.Stage1Iterations"/> or when
/// the <see cref="PlateauDetector"/> says so. Synchronous (TorchSharp's dispose scopes are thread-bound), with a
/// <see cref="CancellationToken"/> that stops cleanly after a checkpoint and <see cref="IProgress{T}"/> reports.
/// </summary>
public sealed class SelfReinforcementTrainer
{
    private readonly IUnpairedMethod method;
    private readonly UnpairedImageDataset data;
    private readonly IRewardScorer scorer;
    private readonly IRewardBank bank;
    private readonly SelfReinforcementObjective objective;
    private readonly SelfReinforcementOptions options;
    private readonly string? runDirectory;
    private readonly ILogger logger;
    private readonly RewardRecycler recycler;
    private readonly PlateauDetector plateau;
    private readonly ResumableRandom sampler;
    private static readonly JsonSerializerOptions StateJson = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<RecyclingPassResult> passes = [];
    private long step;
    private long? stage2Start;
    private long skippedUpdates;
    private int consecutiveSkipped;
    private bool inputsScored;
    private bool stage2Deferred;
    private string? resumedFrom;
    private readonly List<string> unusableCheckpoints = [];

    /// <summary>
    /// Creates a trainer. <paramref name="runDirectory"/> (optional) receives <c>log.jsonl</c>,
    /// <c>checkpoints/</c> and <c>bank/</c>; without it nothing is written.
    /// </summary>
    public SelfReinforcementTrainer(
        IUnpairedMethod method,
        UnpairedImageDataset data,
        IRewardScorer scorer,
        IRewardBank bank,
        IPseudoPairSynthesizer synthesizer,
        ISelfReinforcementLoss loss,
        SelfReinforcementOptions options,
        string? runDirectory = null,
        ILogger? logger = null)
    {
        this.method = method ?? throw new ArgumentNullException(nameof(method));
        this.data = data ?? throw new ArgumentNullException(nameof(data));
        this.scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        this.bank = bank ?? throw new ArgumentNullException(nameof(bank));
        ArgumentNullException.ThrowIfNull(synthesizer);
        ArgumentNullException.ThrowIfNull(loss);
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        SelfReinforcementOptionsValidator.ThrowIfInvalid(options);
        if (bank.Direction != scorer.Direction)
            throw new RgsudException($"the reward bank compares {bank.Direction} scores but scorer '{scorer.Name}' is {scorer.Direction}");
        var tooSmall = data.Rainy.Concat(data.Clean).FirstOrDefault(i => i.Width < options.CropSize || i.Height < options.CropSize);
        if (tooSmall is not null)
            throw new RgsudImageException(tooSmall.Path, $"image is {tooSmall.Width}x{tooSmall.Height}, smaller than the {options.CropSize}x{options.CropSize} training crop (SelfReinforcementOptions.CropSize)");
        this.runDirectory = runDirectory is null ? null : Path.GetFullPath(runDirectory);
        this.logger = logger ?? NullLogger.Instance;
        objective = new SelfReinforcementObjective(synthesizer, loss, options.Lambda1, options.MinRainLayerRms);
        recycler = new RewardRecycler(scorer, bank, options.RecycleBatchSize,
            TilingOptions.Default with { TileAbovePixels = options.RecycleTilePixels });
        plateau = new PlateauDetector(options.PlateauWindow, options.PlateauAcceptanceRate, options.PlateauMinImprovement);
        sampler = new ResumableRandom(unchecked((ulong)options.Seed * 0x9E3779B97F4A7C15UL + 1));
        RgsudRuntime.EnsureInitialized();
        torch.manual_seed(options.Seed);
    }

    /// <summary>Steps completed so far.</summary>
    public long Step => step;

    /// <summary>The current stage (1 or 2).</summary>
    public int Stage => stage2Start is { } s && step >= s ? 2 : 1;

    /// <summary>The checkpoint folder of the run, or null without a run directory.</summary>
    public string? CheckpointDirectory => runDirectory is null ? null : Path.Combine(runDirectory, "checkpoints");

    /// <summary>
    /// Restores the newest valid checkpoint of the run directory, if any (corrupt ones are reported and skipped).
    /// Returns the step it resumes from, or null when there was nothing to resume. Each unusable checkpoint is
    /// logged, written to <c>log.jsonl</c> by the next <see cref="Train"/> and reported to
    /// <paramref name="onUnusable"/> (folder, reason).
    /// </summary>
    public long? Resume(Action<string, string>? onUnusable = null)
    {
        if (CheckpointDirectory is null) return null;
        var store = new CheckpointStore(CheckpointDirectory, options.KeepCheckpoints);
        var latest = store.FindLatestValid((dir, why) =>
        {
            logger.LogWarning("Checkpoint {Checkpoint} is unusable: {Reason}; trying an older one.", dir, why);
            unusableCheckpoints.Add($"{Path.GetFileName(dir)}: {why}");
            onUnusable?.Invoke(dir, why);
        });
        if (latest is null) return null;
        LoadCheckpoint(latest.Directory);
        resumedFrom = Path.GetFileName(latest.Directory);
        logger.LogInformation("Resumed from {Checkpoint} at step {Step}.", latest.Directory, step);
        return step;
    }

    /// <summary>Loads a checkpoint folder written by this trainer.</summary>
    public void LoadCheckpoint(string directory)
    {
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(directory, "trainer.json")), StateJson)
            ?? throw new RgsudFileException(Path.Combine(directory, "trainer.json"), "empty trainer state");
        method.LoadState(Path.Combine(directory, "method"));
        var bankDir = Path.Combine(directory, "bank");
        if (Directory.Exists(bankDir)) bank.Load(bankDir);
        step = state.Step;
        stage2Start = state.Stage2StartStep;
        sampler.State = state.SamplerState;
        skippedUpdates = state.SkippedUpdates;
        consecutiveSkipped = state.ConsecutiveSkippedSteps;
        inputsScored = state.InputsScored;
        plateau.Restore(state.PlateauPasses.Select(p => (p[0], p[1])));
        if (state.TorchRngState.Length > 0)
        {
            var bytes = Convert.FromBase64String(state.TorchRngState);
            using var rng = torch.tensor(bytes, dtype: uint8);
            torch.set_rng_state(rng);
        }
    }

    /// <summary>Writes a checkpoint now (into the run directory's <c>checkpoints/</c>); returns its folder.</summary>
    public string SaveCheckpoint()
    {
        if (CheckpointDirectory is null) throw new InvalidOperationException("the trainer has no run directory");
        var store = new CheckpointStore(CheckpointDirectory, options.KeepCheckpoints);
        return store.Save(step, dir =>
        {
            var methodDir = Directory.CreateDirectory(Path.Combine(dir, "method")).FullName;
            method.SaveState(methodDir);
            if (options.Strategy == StrategyMode.Rgsud) bank.Save(Path.Combine(dir, "bank"));
            using var rng = torch.get_rng_state();
            var state = new TrainerState
            {
                Step = step,
                Stage2StartStep = stage2Start,
                SamplerState = sampler.State,
                TorchRngState = Convert.ToBase64String(rng.data<byte>().ToArray()),
                SkippedUpdates = skippedUpdates,
                ConsecutiveSkippedSteps = consecutiveSkipped,
                InputsScored = inputsScored,
                PlateauPasses = [.. plateau.Passes.Select(p => new[] { p.AcceptanceRate, p.MeanUtility })],
                Strategy = options.Strategy.ToString(),
                Method = method.Name,
                Seed = options.Seed,
            };
            File.WriteAllText(Path.Combine(dir, "trainer.json"), JsonSerializer.Serialize(state, StateJson));
        });
    }

    /// <summary>
    /// Trains until <see cref="SelfReinforcementOptions.Iterations"/> steps are done, or until cancelled (then
    /// a checkpoint is written and the result says so). Throws <see cref="RgsudNumericsException"/> after too
    /// many consecutive steps with non-finite updates (the last good checkpoint stays on disk).
    /// </summary>
    public TrainingResult Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        bool rgsud = options.Strategy == StrategyMode.Rgsud;
        using var log = runDirectory is null ? null : new TrainingLog(Path.Combine(Directory.CreateDirectory(runDirectory).FullName, "log.jsonl"), step);
        var trainWatch = new Stopwatch();
        var recycleWatch = new Stopwatch();
        var wall = Stopwatch.StartNew();
        long startStep = step;
        var sums = new Dictionary<string, double>();
        int sumCount = 0;
        bool cancelled = false;
        objective.CaptureOutputs = rgsud && options.InBatchRecycling != InBatchRecycling.Off;
        log?.WriteEvent(step, "start", new Dictionary<string, object?>
        {
            ["resumedFrom"] = resumedFrom,
            ["unusableCheckpoints"] = unusableCheckpoints.ToList(),
            ["skippedFiles"] = data.Skipped.Count,
            ["skippedFileList"] = data.Skipped.Select(f => $"{f.Path}: {f.Reason}").ToList(),
            ["selfCheck"] = RgsudRuntime.Report?.SelfCheck?.ToString() ?? "skipped",
        });
        unusableCheckpoints.Clear();

        if (rgsud && !inputsScored)
        {
            recycleWatch.Start();
            recycler.ScoreInputs(data.Rainy, method.Device, cancellationToken);
            inputsScored = true;
            recycleWatch.Stop();
            if (options.InBatchRecycling == InBatchRecycling.InsteadOfPasses)
                RunPass(log, progress, recycleWatch, cancellationToken);
        }

        while (step < options.Iterations)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
                break;
            }
            if (options.TimeBudget is { } budget && wall.Elapsed >= budget) break;
            bool stage1Due = options.Stage1Iterations is { } s1
                ? step >= s1
                : options.TimeBudget is { } b1 && wall.Elapsed >= b1 * options.Stage1BudgetFraction;
            if (rgsud && stage2Start is null && stage1Due) TryBeginStage2(log, progress);
            int stage = Stage;

            trainWatch.Start();
            MethodStepResult result;
            List<(string Id, CropBox Box, bool Flip)> samples;
            using (var scope = NewDisposeScope())
            {
                var batch = NextBatch(stage == 2 && rgsud, out samples);
                objective.Active = stage == 2;
                result = method.Step(batch, rgsud && (stage == 2 || objective.CaptureOutputs) ? objective : null, step);
                trainWatch.Stop();
                if (objective.CapturedOutputs is { } captured)
                {
                    objective.CapturedOutputs = null;
                    using (captured)
                    {
                        recycleWatch.Start();
                        if (rgsud && options.InBatchRecycling != InBatchRecycling.Off) OfferInBatch(captured, samples);
                        recycleWatch.Stop();
                    }
                }
            }

            if (result.SkippedUpdates > 0)
            {
                skippedUpdates += result.SkippedUpdates;
                consecutiveSkipped++;
                logger.LogWarning("Step {Step}: {Count} update(s) skipped (non-finite loss or gradient).", step, result.SkippedUpdates);
                log?.WriteEvent(step, "skipped-update", new Dictionary<string, object?>
                {
                    ["count"] = result.SkippedUpdates,
                    ["consecutiveSteps"] = consecutiveSkipped,
                    ["totalSkippedUpdates"] = skippedUpdates,
                });
                if (consecutiveSkipped >= options.MaxConsecutiveSkippedSteps)
                {
                    var last = CheckpointDirectory is null ? null : new CheckpointStore(CheckpointDirectory, options.KeepCheckpoints).List().LastOrDefault();
                    var message =
                        $"training stopped at step {step}: {consecutiveSkipped} consecutive steps had non-finite losses or gradients " +
                        $"(the limit N = {options.MaxConsecutiveSkippedSteps}, SelfReinforcementOptions.MaxConsecutiveSkippedSteps / --max-skipped-steps). " +
                        "The weights were not updated by those steps; " +
                        (last is null ? "no checkpoint had been written yet." : $"the last good checkpoint is kept: {last.Directory}.");
                    log?.WriteEvent(step, "stopped", new Dictionary<string, object?>
                    {
                        ["reason"] = "non-finite",
                        ["consecutiveSteps"] = consecutiveSkipped,
                        ["limit"] = options.MaxConsecutiveSkippedSteps,
                        ["lastCheckpoint"] = last is null ? null : Path.GetFileName(last.Directory),
                    });
                    throw new RgsudNumericsException(message);
                }
            }
            else
            {
                consecutiveSkipped = 0;
            }
            foreach (var (name, value) in result.Losses) sums[name] = sums.GetValueOrDefault(name) + value;
            sumCount++;
            step++;

            if (rgsud && step % options.RecycleEvery == 0 && options.InBatchRecycling != InBatchRecycling.InsteadOfPasses)
                RunPass(log, progress, recycleWatch, cancellationToken);
            if (rgsud && stage2Start is null && options.Stage1Iterations is null && plateau.HasPlateaued) TryBeginStage2(log, progress);

            if (step % options.LogEvery == 0 || step == options.Iterations)
            {
                var means = sums.ToDictionary(kv => kv.Key, kv => kv.Value / sumCount);
                var stats = rgsud ? bank.GetStatistics() : null;
                log?.WriteStep(step, stage, means, stats);
                double rate = (step - startStep) / Math.Max(1e-9, wall.Elapsed.TotalSeconds);
                // With a time budget Iterations is only a bound (possibly huge): the ETA is whichever ends first, and never overflows.
                double etaSeconds = (options.Iterations - step) / Math.Max(1e-9, rate);
                if (options.TimeBudget is { } tb) etaSeconds = Math.Min(etaSeconds, Math.Max(0, (tb - wall.Elapsed).TotalSeconds));
                var eta = TimeSpan.FromSeconds(Math.Min(etaSeconds, TimeSpan.MaxValue.TotalSeconds / 2));
                progress?.Report(new TrainingProgress(stage, step, options.Iterations, means, stats, rate, eta));
                sums.Clear();
                sumCount = 0;
            }
            if (runDirectory is not null && options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0 && step < options.Iterations)
                Checkpoint(progress);
        }

        if (runDirectory is not null)
        {
            Checkpoint(progress);
            if (rgsud) bank.Save(Path.Combine(runDirectory, "bank"));
        }
        return new TrainingResult(step, stage2Start, cancelled, skippedUpdates, passes.ToList(), rgsud ? bank.GetStatistics() : null,
            trainWatch.Elapsed, recycleWatch.Elapsed) { Stage2Deferred = stage2Deferred };
    }

    /// <summary>
    /// Stage 1 is due to end: stage 2 begins unless the gate (<see cref="SelfReinforcementOptions.Stage2MinImprovedShare"/>)
    /// holds it back because the latest pass found too few outputs better than their inputs; the first deferral is
    /// logged (<c>stage2-deferred</c>).
    /// </summary>
    private void TryBeginStage2(TrainingLog? log, IProgress<TrainingProgress>? progress)
    {
        double needed = options.Stage2MinImprovedShare;
        if (needed > 0 && options.InBatchRecycling != InBatchRecycling.InsteadOfPasses)
        {
            var last = passes.Count == 0 ? null : passes[^1];
            double share = last?.ImprovedShare ?? double.NaN;
            if (!(share >= needed))
            {
                if (!stage2Deferred)
                {
                    stage2Deferred = true;
                    logger.LogInformation(
                        "Stage 2 deferred at step {Step}: the last recycling pass found {Share:P0} of the outputs better than their inputs (needs {Needed:P0}).",
                        step, share, needed);
                    log?.WriteEvent(step, "stage2-deferred", new Dictionary<string, object?>
                    {
                        ["improvedShare"] = share,
                        ["needed"] = needed,
                        ["lastPassStep"] = last?.Step,
                    });
                    progress?.Report(new TrainingProgress(1, step, options.Iterations, new Dictionary<string, double>(), bank.GetStatistics(), 0,
                        TimeSpan.Zero, string.Create(CultureInfo.InvariantCulture, $"stage 2 deferred: {(double.IsNaN(share) ? "no pass yet" : $"{share:P0} of the outputs beat their inputs")}, needs {needed:P0}")));
                }
                return;
            }
        }
        BeginStage2(progress);
    }

    private void BeginStage2(IProgress<TrainingProgress>? progress)
    {
        stage2Start = step;
        logger.LogInformation("Stage 2 (self-reinforcement) starts at step {Step}.", step);
        progress?.Report(new TrainingProgress(2, step, options.Iterations, new Dictionary<string, double>(), bank.GetStatistics(), 0, TimeSpan.Zero, "stage 2"));
    }

    private void Checkpoint(IProgress<TrainingProgress>? progress)
    {
        var dir = SaveCheckpoint();
        progress?.Report(new TrainingProgress(Stage, step, options.Iterations, new Dictionary<string, double>(),
            options.Strategy == StrategyMode.Rgsud ? bank.GetStatistics() : null, 0, TimeSpan.Zero, "checkpoint " + Path.GetFileName(dir)));
    }

    private void RunPass(TrainingLog? log, IProgress<TrainingProgress>? progress, Stopwatch watch, CancellationToken cancellationToken)
    {
        watch.Start();
        var pass = recycler.Run(method.Derainer, data.Rainy, method.Device, step, cancellationToken);
        watch.Stop();
        passes.Add(pass);
        var stats = bank.GetStatistics();
        plateau.Record(stats, bank.Direction);
        log?.WritePass(step, Stage, pass, stats);
        logger.LogInformation("Recycling pass at step {Step}: {Accepted}/{Offered} accepted, mean reward score {Mean:G5} ({Seconds:F1} s).",
            step, pass.Accepted, pass.Offered, stats.MeanScore, pass.Elapsed.TotalSeconds);
        progress?.Report(new TrainingProgress(Stage, step, options.Iterations, new Dictionary<string, double>(), stats, 0, TimeSpan.Zero, "recycling pass"));
    }

    /// <summary>Samples rainy and clean crops; in stage 2 adds the aligned reward crops.</summary>
    private UnpairedBatch NextBatch(bool withRewards, out List<(string Id, CropBox Box, bool Flip)> samples)
    {
        int crop = options.CropSize;
        samples = new List<(string, CropBox, bool)>(options.BatchSize);
        var rainy = new List<Tensor>();
        var clean = new List<Tensor>();
        var rewards = new List<Tensor>();
        var mask = new List<bool>();
        var utilities = new List<float>();
        for (int b = 0; b < options.BatchSize; b++)
        {
            var r = data.Rainy[sampler.Next(data.Rainy.Count)];
            var c = data.Clean[sampler.Next(data.Clean.Count)];
            var rBox = new CropBox(sampler.Next(r.Width - crop + 1), sampler.Next(r.Height - crop + 1), crop, crop);
            var cBox = new CropBox(sampler.Next(c.Width - crop + 1), sampler.Next(c.Height - crop + 1), crop, crop);
            bool flipR = sampler.Next(2) == 1, flipC = sampler.Next(2) == 1;
            samples.Add((r.Id, rBox, flipR));
            var rainyCrop = CropFloat(r, rBox);
            rainy.Add(flipR ? rainyCrop.flip(-1) : rainyCrop);
            var cleanCrop = CropFloat(c, cBox);
            clean.Add(flipC ? cleanCrop.flip(-1) : cleanCrop);
            if (withRewards)
            {
                var slot = bank.GetSlot(r.Id);
                var reward = slot is { HasReward: true } ? bank.ReadRewardCrop(r.Id, rBox) : null;
                mask.Add(reward is not null);
                utilities.Add(reward is not null ? (float)ScoreOrdering.Utility(slot!.Score!.Value, bank.Direction) : 0f);
                var rw = reward ?? rainyCrop;
                rewards.Add(flipR ? rw.flip(-1) : rw);
            }
        }
        var device = method.Device;
        var batch = new UnpairedBatch(
            TensorLayout.ToPreferred(cat(rainy, 0).to(device)),
            TensorLayout.ToPreferred(cat(clean, 0).to(device)),
            samples.Select(s => s.Id).ToList(),
            samples.Select(s => s.Box).ToList());
        if (withRewards)
        {
            batch = batch with
            {
                Rewards = TensorLayout.ToPreferred(cat(rewards, 0).to(device)),
                RewardMask = torch.tensor(mask.ToArray(), device: device),
                RewardUtilities = torch.tensor(utilities.ToArray(), device: device),
            };
        }
        return batch;
    }

    private static Tensor CropFloat(DatasetImage image, CropBox box) =>
        image.Pixels[.., box.Y..(box.Y + box.Height), box.X..(box.X + box.Width)].unsqueeze(0).to(float32).div(255);

    /// <summary>In-batch recycling: paste each derained crop into the slot's reward (or its input), score the whole image, offer it.</summary>
    private void OfferInBatch(Tensor derainedCrops, List<(string Id, CropBox Box, bool Flip)> samples)
    {
        var crops = derainedCrops.to(CPU);
        for (int i = 0; i < samples.Count; i++)
        {
            var (id, box, flip) = samples[i];
            var crop = flip ? crops[i].flip(-1) : crops[i];
            var baseImage = bank.ReadReward(id) ?? data.GetRainy(id).ToFloat();
            if (baseImage.shape[2] != data.GetRainy(id).Height || baseImage.shape[3] != data.GetRainy(id).Width) continue;
            baseImage[0, .., box.Y..(box.Y + box.Height), box.X..(box.X + box.Width)] = crop;
            using var scores = scorer.Score(baseImage.to(method.Device));
            bank.Offer(id, baseImage, scores.to(float64).to(CPU).item<double>(), step);
        }
    }
}
