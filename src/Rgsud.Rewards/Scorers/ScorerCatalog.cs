using System.Globalization;
using Rgsud.Abstractions;
using Rgsud.Imaging;
using Rgsud.Rewards.DaClip;
using Rgsud.Rewards.Niqe;

namespace Rgsud.Rewards.Scorers;

/// <summary>
/// The reward scorers by name, with their metadata, and a factory for scorer specs:
/// <list type="bullet">
/// <item><c>niqe</c> — <see cref="NiqeScorer"/> (needs <see cref="ScorerContext.NiqeModelPath"/>);</item>
/// <item><c>critic</c> — <see cref="RainCritic"/>, loaded from <see cref="ScorerContext.CriticPath"/> or trained on the
/// training folders;</item>
/// <item><c>daclip</c> — <see cref="DaClipScorer"/>, <c>1 − p(rainy)</c> of DA-CLIP ViT-B/32 (needs
/// <see cref="ScorerContext.DaclipWeightsPath"/>: weights converted with <c>tools/convert_daclip.py</c>);</item>
/// <item><c>ensemble:niqe+critic</c>, with optional weights <c>ensemble:niqe*0.5+critic*0.5</c> (default 1 each) and
/// an optional normalisation <c>ensemble@rank:…</c>, <c>@zscore</c> or <c>@fixed</c> (the default, see
/// <see cref="EnsembleScorer"/>). A fixed (FixedAffine) ensemble is calibrated when created on the images of
/// <see cref="ScorerContext.EnsembleCalibrationDirectory"/> or, by default, <see cref="ScorerContext.RainyTrainingDirectory"/>.</item>
/// </list>
/// Names are case-insensitive; spaces around names and weights are ignored.
/// </summary>
public static class ScorerCatalog
{
    /// <summary>The prefix of ensemble specs.</summary>
    public const string EnsemblePrefix = "ensemble";

    private static readonly ScorerInfo[] Infos =
    [
        new("niqe", ScoreDirection.LowerIsBetter, 0, double.PositiveInfinity, NeedsTraining: false, NeedsWeights: true, Implemented: true,
            "NIQE (Mittal et al. 2013): distance of the image's natural-scene statistics to a pristine model, exact to MATLAB; needs the model file (official npz or a fitted JSON) and images of at least 96x96"),
        new("critic", ScoreDirection.HigherIsBetter, 0, 1, NeedsTraining: true, NeedsWeights: true, Implemented: true,
            "learned rain critic: calibrated probability that the image is clean, from a small CNN trained on the run's rainy and clean training images"),
        new("daclip", ScoreDirection.HigherIsBetter, 0, 1, NeedsTraining: false, NeedsWeights: true, Implemented: true,
            "DA-CLIP IQA (Luo et al. 2024, ViT-B/32 with the DA-CLIP controller): 1 - p(rainy) of its zero-shot degradation probabilities; needs weights converted with tools/convert_daclip.py"),
    ];

    /// <summary>Every single scorer the catalog knows, implemented or not.</summary>
    public static IReadOnlyList<ScorerInfo> All { get; } = Array.AsReadOnly(Infos);

    /// <summary>The names of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(Infos.Select(i => i.Name).ToArray());

    /// <summary>The metadata of a single scorer, or of an ensemble spec (HigherIsBetter, unbounded).</summary>
    /// <exception cref="RgsudException">The name is unknown or the spec malformed.</exception>
    public static ScorerInfo Describe(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parsed = Parse(spec);
        if (parsed.Members is null) return Find(parsed.Name);
        var infos = parsed.Members.Select(m => Find(m.Name)).ToList();
        return new ScorerInfo(spec.Trim(), ScoreDirection.HigherIsBetter, double.NegativeInfinity, double.PositiveInfinity,
            infos.Any(i => i.NeedsTraining), infos.Any(i => i.NeedsWeights), infos.All(i => i.Implemented),
            $"weighted mean of normalised utilities ({parsed.Normalization}) of {string.Join(", ", infos.Select(i => i.Name))}");
    }

    /// <summary>Creates the scorer a spec names (see the class remarks for the grammar).</summary>
    /// <param name="spec">E.g. <c>niqe</c>, <c>critic</c>, <c>ensemble:niqe*0.5+critic*0.5</c>.</param>
    /// <param name="context">Model paths, training folders and device; an empty context when null.</param>
    /// <exception cref="RgsudException">Unknown name, malformed spec, a missing model or training data, or a scorer not implemented.</exception>
    /// <exception cref="RgsudFileException">A model file is missing or malformed.</exception>
    public static IRewardScorer Create(string spec, ScorerContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        context ??= new ScorerContext();
        var parsed = Parse(spec);
        if (parsed.Members is null) return CreateSingle(parsed.Name, context);

        var created = new List<EnsembleMember>();
        try
        {
            foreach (var (name, weight) in parsed.Members) created.Add(new EnsembleMember(CreateSingle(name, context), weight));
            var ensemble = new EnsembleScorer(created, parsed.Normalization ?? context.EnsembleNormalization ?? Normalization.FixedAffine, ownsMembers: true);
            var calibrationDirectory = context.EnsembleCalibrationDirectory ?? context.RainyTrainingDirectory;
            if (ensemble.Normalization == Normalization.FixedAffine && !string.IsNullOrEmpty(calibrationDirectory))
                Calibrate(ensemble, calibrationDirectory, context.EnsembleCalibrationImages);
            return ensemble;
        }
        catch
        {
            foreach (var m in created) (m.Scorer as IDisposable)?.Dispose();
            throw;
        }
    }

    private static void Calibrate(EnsembleScorer ensemble, string directory, int limit)
    {
        if (limit < 2) throw new RgsudException($"ScorerContext.EnsembleCalibrationImages must be at least 2, got {limit}");
        var paths = ImageIO.ListImages(directory).Take(limit).ToList();
        ensemble.Calibrate(ReadOneByOne(paths));
    }

    private static IEnumerable<TorchSharp.torch.Tensor> ReadOneByOne(IReadOnlyList<string> paths)
    {
        foreach (var path in paths)
        {
            using var image = ImageIO.Read(path);
            yield return image;
        }
    }

    private static ScorerInfo Find(string name) =>
        Infos.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new RgsudException($"unknown scorer '{name}'; known scorers: {string.Join(", ", Names)}, {EnsemblePrefix}:<a>+<b>");

    private static IRewardScorer CreateSingle(string name, ScorerContext context)
    {
        var info = Find(name);
        switch (info.Name)
        {
            case "niqe":
                if (string.IsNullOrEmpty(context.NiqeModelPath))
                    throw new RgsudException("scorer 'niqe' needs a pristine model: set ScorerContext.NiqeModelPath to niqe_pris_params.npz " +
                        "(BasicSR's official parameters) or to a model JSON fitted with NiqeModel.Fit");
                return new NiqeScorer(NiqeModel.Load(context.NiqeModelPath));
            case "critic":
                return CreateCritic(context);
            case "daclip":
                return CreateDaClip(context);
            default:
                throw new RgsudException($"scorer '{info.Name}' is not implemented in this build");
        }
    }

    private static DaClipScorer CreateDaClip(ScorerContext context)
    {
        // Never a fallback: without weights there is no DA-CLIP score.
        if (string.IsNullOrEmpty(context.DaclipWeightsPath))
            throw new RgsudException("scorer 'daclip' needs weights: set ScorerContext.DaclipWeightsPath (rgsud score --model FILE, " +
                "rgsud train --daclip-weights FILE) to a safetensors file converted from DA-CLIP's daclip_ViT-B-32.pt with " +
                "tools/convert_daclip.py (docs/weights.md); Rgsud ships no DA-CLIP weights");
        return DaClipScorer.Load(context.DaclipWeightsPath, context.DaClipOptions, context.Device);
    }

    private static RainCritic CreateCritic(ScorerContext context)
    {
        var path = context.CriticPath;
        if (!string.IsNullOrEmpty(path) && File.Exists(Path.Combine(path, RainCritic.ConfigFileName)))
            return RainCritic.Load(path, context.Device);
        if (string.IsNullOrEmpty(context.RainyTrainingDirectory) || string.IsNullOrEmpty(context.CleanTrainingDirectory))
        {
            throw new RgsudException("scorer 'critic' needs a trained critic: set ScorerContext.CriticPath to a saved critic folder" +
                (string.IsNullOrEmpty(path) ? "" : $" ({path} has no {RainCritic.ConfigFileName})") +
                ", or RainyTrainingDirectory and CleanTrainingDirectory to train one");
        }
        var critic = RainCritic.Train(context.RainyTrainingDirectory, context.CleanTrainingDirectory, context.CriticOptions, context.CriticProgress);
        try
        {
            if (!string.IsNullOrEmpty(path)) critic.Save(path);
            if (context.Device is { } device && device.type != TorchSharp.DeviceType.CPU)
            {
                critic.Dispose();
                return RainCritic.Load(path ?? throw new RgsudException("moving a freshly trained critic to another device needs ScorerContext.CriticPath"), device);
            }
            return critic;
        }
        catch
        {
            critic.Dispose();
            throw;
        }
    }

    private static ScorerSpec Parse(string spec)
    {
        var text = spec.Trim();
        if (text.Length == 0) throw new RgsudException("empty scorer spec; known scorers: " + string.Join(", ", Names));
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        var head = (colon < 0 ? text : text[..colon]).Trim();
        int at = head.IndexOf('@', StringComparison.Ordinal);
        var kind = (at < 0 ? head : head[..at]).Trim();
        if (!string.Equals(kind, EnsemblePrefix, StringComparison.OrdinalIgnoreCase))
        {
            if (colon >= 0 || at >= 0) throw new RgsudException($"malformed scorer spec '{spec}': only '{EnsemblePrefix}' takes ':' or '@'");
            return new ScorerSpec(Find(text).Name, null, null);
        }

        Normalization? normalization = null;
        if (at >= 0)
        {
            normalization = head[(at + 1)..].Trim().ToLowerInvariant() switch
            {
                "rank" => Normalization.Rank,
                "zscore" => Normalization.ZScore,
                "fixed" or "fixedaffine" => Normalization.FixedAffine,
                var other => throw new RgsudException($"unknown ensemble normalisation '{other}' in '{spec}'; use rank, zscore or fixed"),
            };
        }
        if (colon < 0 || text[(colon + 1)..].Trim().Length == 0)
            throw new RgsudException($"malformed scorer spec '{spec}': an ensemble lists its members, e.g. {EnsemblePrefix}:niqe+critic");

        var members = new List<(string, double)>();
        foreach (var part in text[(colon + 1)..].Split('+'))
        {
            var item = part.Trim();
            if (item.Length == 0) throw new RgsudException($"malformed scorer spec '{spec}': empty ensemble member");
            int star = item.IndexOf('*', StringComparison.Ordinal);
            var name = (star < 0 ? item : item[..star]).Trim();
            double weight = 1;
            if (star >= 0 && !double.TryParse(item[(star + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
                throw new RgsudException($"malformed scorer spec '{spec}': weight '{item[(star + 1)..].Trim()}' of '{name}' is not a number");
            if (!double.IsFinite(weight) || weight < 0)
                throw new RgsudException($"malformed scorer spec '{spec}': weight of '{name}' must be finite and non-negative, got {weight.ToString(CultureInfo.InvariantCulture)}");
            if (name.StartsWith(EnsemblePrefix, StringComparison.OrdinalIgnoreCase))
                throw new RgsudException($"malformed scorer spec '{spec}': ensembles cannot be nested");
            members.Add((Find(name).Name, weight));
        }
        if (!(members.Sum(m => m.Item2) > 0)) throw new RgsudException($"malformed scorer spec '{spec}': ensemble weights must not all be zero");
        return new ScorerSpec(text, members, normalization);
    }
}
