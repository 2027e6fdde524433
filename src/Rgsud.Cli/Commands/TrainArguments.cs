using System.Globalization;

namespace Rgsud.Cli.Commands;

/// <summary>Turns a <see cref="TrainRequest"/> back into <c>rgsud train</c> arguments (for arms trained in child processes).</summary>
internal static class TrainArguments
{
    /// <summary>The command line that parses back into <paramref name="r"/>.</summary>
    public static IReadOnlyList<string> For(TrainRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var args = new List<string>
        {
            "train", "--rainy", r.Rainy, "--clean", r.Clean, "--out", r.Out, "--method", r.Method, "--strategy", r.Strategy,
            "--scorer", r.Scorer, "--seed", Invariant(r.Seed), "--device", r.Device, "--preset", r.Preset,
            "--on-bad-file", r.OnBadFile, "--in-batch-recycling", r.InBatch,
        };
        void Add(string name, object? value)
        {
            if (value is null) return;
            args.Add(name);
            args.Add(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString()!);
        }
        Add("--derainer", r.Derainer);
        Add("--niqe-model", r.NiqeModel);
        Add("--iterations", r.Iterations);
        Add("--minutes", r.Minutes is { } m ? m.ToString("R", CultureInfo.InvariantCulture) : null);
        Add("--stage1-iterations", r.Stage1);
        Add("--recycle-every", r.RecycleEvery);
        Add("--crop", r.Crop);
        Add("--batch", r.Batch);
        Add("--log-every", r.LogEvery);
        Add("--critic-steps", r.CriticSteps);
        Add("--lr", r.LearningRate is { } lr ? lr.ToString("R", CultureInfo.InvariantCulture) : null);
        Add("--lambda1", r.Lambda1 is { } l1 ? l1.ToString("R", CultureInfo.InvariantCulture) : null);
        Add("--lambda2", r.Lambda2 is { } l2 ? l2.ToString("R", CultureInfo.InvariantCulture) : null);
        Add("--checkpoint-every", r.CheckpointEvery);
        Add("--keep-checkpoints", r.KeepCheckpoints);
        Add("--max-skipped-steps", r.MaxSkippedSteps);
        Add("--daclip-weights", r.DaclipWeights);
        Add("--vgg19-weights", r.Vgg19Weights);
        Add("--critic-warmup", r.CriticWarmup);
        Add("--stage2-min-improved", r.Stage2MinImproved is { } gate ? gate.ToString("R", CultureInfo.InvariantCulture) : null);
        if (r.Resume) args.Add("--resume");
        return args;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
