using System.Globalization;

namespace Rgsud.Benchmarks.Soak;

/// <summary>Command-line options of the soak benchmark.</summary>
internal sealed class SoakOptions
{
    /// <summary>Training steps (default 2000).</summary>
    public long Steps { get; private set; } = 2000;

    /// <summary>Measure every this many steps (default 100).</summary>
    public int Every { get; private set; } = 100;

    /// <summary>Crop size (default 32).</summary>
    public int Crop { get; private set; } = 32;

    /// <summary>Batch size (default 1).</summary>
    public int Batch { get; private set; } = 1;

    /// <summary>A recycling pass every this many steps (default 100).</summary>
    public int RecycleEvery { get; private set; } = 100;

    /// <summary>A checkpoint every this many steps (default 500).</summary>
    public int CheckpointEvery { get; private set; } = 500;

    /// <summary>Steps of stage 1 (default: a tenth of the steps, so that most of the run is steady stage 2).</summary>
    public long? Stage1Steps { get; private set; }

    /// <summary>Samples before this step are warm-up and left out of the trend (default: a quarter of the steps, at least stage 1 plus two recycling periods).</summary>
    public long? WarmupSteps { get; private set; }

    /// <summary>Output folder (CSV, Markdown, the run's checkpoints).</summary>
    public string Out { get; private set; } = Path.Combine("artifacts", "soak");

    /// <summary>NIQE model (.npz or .json); default: ../shared/niqe/niqe_pris_params.npz when present, else fitted on the clean images.</summary>
    public string? NiqeModel { get; private set; }

    /// <summary>Synthetic images per side (default 8).</summary>
    public int Images { get; private set; } = 8;

    /// <summary>Side of the synthetic images (default 128; NIQE needs at least 96).</summary>
    public int ImageSize { get; private set; } = 128;

    /// <summary>Parses <c>--name value</c> pairs.</summary>
    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var o = new SoakOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            long Long() => long.Parse(Value(), CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--steps": o.Steps = Long(); break;
                case "--every": o.Every = (int)Long(); break;
                case "--crop": o.Crop = (int)Long(); break;
                case "--batch": o.Batch = (int)Long(); break;
                case "--recycle-every": o.RecycleEvery = (int)Long(); break;
                case "--checkpoint-every": o.CheckpointEvery = (int)Long(); break;
                case "--warmup": o.WarmupSteps = Long(); break;
                case "--stage1": o.Stage1Steps = Long(); break;
                case "--out": o.Out = Value(); break;
                case "--niqe-model": o.NiqeModel = Value(); break;
                case "--images": o.Images = (int)Long(); break;
                case "--image-size": o.ImageSize = (int)Long(); break;
                default: throw new ArgumentException($"unknown soak option {name}");
            }
        }
        if (o.Steps < 1 || o.Every < 1) throw new ArgumentException("--steps and --every must be positive");
        return o;
    }
}
