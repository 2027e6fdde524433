using System.Globalization;
using Rgsud.Synthesis;

namespace Rgsud.Cli.Commands;

/// <summary>The options of <c>rgsud demo</c>, with its defaults (sized for a few minutes of CPU training per arm).</summary>
internal sealed record DemoRequest
{
    /// <summary>Output folder.</summary>
    public string Out { get; init; } = "demo";

    /// <summary>Per-arm time budget in minutes (null: <see cref="Iterations"/>).</summary>
    public double? Minutes { get; init; }

    /// <summary>Per-arm iterations.</summary>
    public long Iterations { get; init; } = 1000;

    /// <summary>Seed of data and training.</summary>
    public long Seed { get; init; }

    /// <summary>Rainy training images (and as many clean ones).</summary>
    public int TrainImages { get; init; } = 24;

    /// <summary>Test pairs.</summary>
    public int TestImages { get; init; } = 8;

    /// <summary>Square image size.</summary>
    public int Size { get; init; } = 128;

    /// <summary>The unpaired base method: cyclegan (the default: about three times faster per step than csud on the CPU) or csud.</summary>
    public string Method { get; init; } = "cyclegan";

    /// <summary>Learning rate of the base method's optimisers (raised for a run of minutes).</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>
    /// λ1, the weight of the pseudo-pair loss in stage 2. The paper's 1.0 assumes a base method trained to its plateau in
    /// stage 1; the PSNR loss's gradient grows as 1/MSE and at 1.0 drowns the base objective of a base still improving.
    /// </summary>
    public double Lambda1 { get; init; } = 0.05;

    /// <summary>Training crop.</summary>
    public int Crop { get; init; } = 48;

    /// <summary>Crops per batch.</summary>
    public int Batch { get; init; } = 2;

    /// <summary>The RGSUD arm's scorer.</summary>
    public string Scorer { get; init; } = "critic";

    /// <summary>Training steps of the rain critic (when the scorer uses one).</summary>
    public int CriticSteps { get; init; } = 200;

    /// <summary>Recycling period (null: <see cref="EffectiveRecycleEvery"/>).</summary>
    public int? RecycleEvery { get; init; }

    /// <summary>The recycling period used: <see cref="RecycleEvery"/>, else a twentieth of the iterations (at most 50).</summary>
    public int EffectiveRecycleEvery => RecycleEvery ?? (Minutes is null ? (int)Math.Clamp(Iterations / 20, 1, 50) : 50);

    /// <summary>Stage-1 iterations (null: half).</summary>
    public long? Stage1Iterations { get; init; }

    /// <summary>The rain.</summary>
    public RainStreakOptions Rain { get; init; } = new() { Density = 20, Opacity = 0.8, Length = 14, Width = 1.5 };

    /// <summary>Throws <see cref="RgsudException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Minutes is { } m && !(m > 0)) throw new RgsudException(string.Create(CultureInfo.InvariantCulture, $"--minutes must be positive (was {m})"));
        if (Minutes is null && Iterations < 1) throw new RgsudException($"--iterations must be at least 1 (was {Iterations})");
        if (TrainImages < 2) throw new RgsudException($"--train-images must be at least 2 (was {TrainImages})");
        if (TestImages < 1) throw new RgsudException($"--test-images must be at least 1 (was {TestImages})");
        if (Size < 96) throw new RgsudException($"--size must be at least 96 (was {Size})");
        if (Crop < 16 || Crop > Size) throw new RgsudException($"--crop must be between 16 and --size {Size} (was {Crop})");
        if (Batch < 1) throw new RgsudException($"--batch must be at least 1 (was {Batch})");
        if (Method is not ("csud" or "cyclegan")) throw new RgsudException($"--method must be csud or cyclegan (was {Method})");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new RgsudException(string.Create(CultureInfo.InvariantCulture, $"--lr must be in (0, 1) (was {LearningRate})"));
        if (!(Lambda1 >= 0) || double.IsInfinity(Lambda1)) throw new RgsudException(string.Create(CultureInfo.InvariantCulture, $"--lambda1 must be a finite number >= 0 (was {Lambda1})"));
    }
}
