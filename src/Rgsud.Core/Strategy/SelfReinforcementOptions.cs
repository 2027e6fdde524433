namespace Rgsud.Strategy;

/// <summary>
/// Options of the two-stage self-reinforcement trainer. Defaults follow the paper where it says
/// (λ1 = 1.0, λ2 = 0.8, crop 256); <see cref="Cpu"/> gives a preset sized for a laptop CPU.
/// Validated at start by <see cref="SelfReinforcementOptionsValidator"/>.
/// </summary>
public sealed class SelfReinforcementOptions
{
    /// <summary>Base method only, or the full strategy.</summary>
    public StrategyMode Strategy { get; set; } = StrategyMode.Rgsud;

    /// <summary>Total training iterations (both stages).</summary>
    public long Iterations { get; set; } = 100_000;

    /// <summary>
    /// Iterations of stage 1; null lets the plateau detector decide (bank acceptance rate and mean reward stop
    /// improving over <see cref="PlateauWindow"/> passes), bounded by <see cref="Iterations"/>.
    /// </summary>
    public long? Stage1Iterations { get; set; } = 50_000;

    /// <summary>
    /// Optional wall-clock budget: training stops (with a checkpoint) when it is spent, even before
    /// <see cref="Iterations"/>. Time spent before a resume does not count.
    /// </summary>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>
    /// With a <see cref="TimeBudget"/> and no <see cref="Stage1Iterations"/>, stage 2 starts after this fraction
    /// of the budget at the latest (earlier when the plateau detector fires).
    /// </summary>
    public double Stage1BudgetFraction { get; set; } = 0.5;

    /// <summary>
    /// Stage-2 gate (beyond the paper): when stage 1 would end (at <see cref="Stage1Iterations"/>, the budget
    /// fraction or the plateau), stage 2 starts only once a recycling pass has found the derainer's outputs better
    /// than their own rainy inputs (<see cref="RecyclingPassResult.ImprovedShare"/>) for at least this share of the
    /// images; until then stage 1 goes on, checked after every pass, and if no pass gets there the run ends as the
    /// base method. A guard for short budgets: self-reinforcement started while the base still returns its input
    /// can only reinforce that. 0 (the default in every preset, the paper's schedule) starts stage 2 on time whatever
    /// the rewards. Mind the scorer's chance level: a derainer near the identity already "improves" 50–60 % of the
    /// images under NIQE (docs/method.md). Ignored with <see cref="InBatchRecycling.InsteadOfPasses"/> (no passes).
    /// </summary>
    public double Stage2MinImprovedShare { get; set; }

    /// <summary>A full recycling pass every this many steps (K).</summary>
    public int RecycleEvery { get; set; } = 1_000;

    /// <summary>Square training crop size in pixels.</summary>
    public int CropSize { get; set; } = 256;

    /// <summary>Crops per batch (rainy and clean each).</summary>
    public int BatchSize { get; set; } = 4;

    /// <summary>Seed of crop sampling and of libtorch's generator.</summary>
    public long Seed { get; set; }

    /// <summary>λ1: weight of L_Der (PSNR loss + SSIM loss) on the synthesised pseudo pairs.</summary>
    public double Lambda1 { get; set; } = 1.0;

    /// <summary>
    /// Pseudo-pair floor (beyond the paper): a reward whose rain layer <c>O_r − B_rw</c> has a root mean square below
    /// this (in [0,1] units; 0.01 ≈ a rain layer at 40 dB PSNR) gives no pseudo pair. Early rewards that are still
    /// (nearly) their rainy inputs would otherwise give clean → clean pairs that pull the derainer to the identity.
    /// 0 keeps every row (the paper's reading).
    /// </summary>
    public double MinRainLayerRms { get; set; } = 0.01;

    /// <summary>λ2: weight of the self-reinforcement loss (also the SR loss's own weight when it is built from options).</summary>
    public double Lambda2 { get; set; } = 0.8;

    /// <summary>Cold-start guard: a slot starts at its rainy input's score, so no reward is worse than the input.</summary>
    public bool ColdStartGuard { get; set; } = true;

    /// <summary>In-batch recycling mode (beyond the paper).</summary>
    public InBatchRecycling InBatchRecycling { get; set; } = InBatchRecycling.Off;

    /// <summary>Images scored per scorer call during a recycling pass.</summary>
    public int RecycleBatchSize { get; set; } = 4;

    /// <summary>Images with more pixels than this are derained tile by tile during recycling.</summary>
    public long RecycleTilePixels { get; set; } = 1024 * 1024;

    /// <summary>Recycling passes the plateau detector looks back over.</summary>
    public int PlateauWindow { get; set; } = 3;

    /// <summary>Plateau when the acceptance rate of each of the last passes is below this.</summary>
    public double PlateauAcceptanceRate { get; set; } = 0.05;

    /// <summary>Plateau when the mean reward utility improved by less than this over the window.</summary>
    public double PlateauMinImprovement { get; set; } = 1e-3;

    /// <summary>Write a checkpoint every this many steps (0: only at the end and on cancellation).</summary>
    public int CheckpointEvery { get; set; } = 1_000;

    /// <summary>Complete checkpoints kept on disk (older ones are deleted).</summary>
    public int KeepCheckpoints { get; set; } = 2;

    /// <summary>Write a log line every this many steps.</summary>
    public int LogEvery { get; set; } = 10;

    /// <summary>Stop with <see cref="RgsudNumericsException"/> after this many consecutive steps with skipped updates.</summary>
    public int MaxConsecutiveSkippedSteps { get; set; } = 20;

    /// <summary>
    /// A preset sized for a CPU: small crops and batches, frequent passes, λ1 = 0.05 instead of the paper's 1.0
    /// (with a budget of minutes the base method is still improving fast when stage 2 starts, and the PSNR loss's
    /// 1/MSE-sized gradient at λ1 = 1 hands the derainer's update over to the pseudo pairs: docs/method.md).
    /// </summary>
    public static SelfReinforcementOptions Cpu(long iterations = 2_000) => new()
    {
        Iterations = iterations,
        Stage1Iterations = iterations / 2,
        RecycleEvery = (int)Math.Max(10, iterations / 10),
        CropSize = 96,
        BatchSize = 2,
        CheckpointEvery = (int)Math.Max(50, iterations / 4),
        LogEvery = 10,
        Lambda1 = 0.05,
    };
}
