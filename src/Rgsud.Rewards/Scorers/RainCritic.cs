using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rgsud.Abstractions;
using Rgsud.Imaging;
using Rgsud.IO;
using Rgsud.Runtime;
using Rgsud.Training;
using Rgsud.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Scorers;

/// <summary>
/// A learned rain critic: a small CNN on the image's high-pass residual (see <see cref="RainCriticOptions"/>),
/// trained on the CPU in seconds to a couple of minutes to tell the rainy training images from the clean ones, with temperature scaling fitted on held-out training images. The score of
/// an image is the calibrated probability that it is clean, <c>sigmoid(logit / T)</c> in float64, averaged over a
/// fixed grid of <see cref="RainCriticOptions.ScoreCropSize"/> crops covering the image (each image's crops are
/// evaluated on their own, so a score does not depend on the rest of the batch). Higher is better; range [0, 1].
/// The network is frozen (eval mode, no gradients): the same image always gets the same score.
/// <para>
/// Like any discriminator, the critic only knows the rain of its training set; a derainer can learn to exploit
/// it, so prefer it in an ensemble with NIQE, and never evaluate it on the images it was trained on.
/// </para>
/// </summary>
public sealed class RainCritic : IRewardScorer, IDisposable
{
    /// <summary>The weights file inside a saved critic's folder.</summary>
    public const string WeightsFileName = "critic.safetensors";

    /// <summary>The settings file inside a saved critic's folder.</summary>
    public const string ConfigFileName = "critic.json";

    /// <summary>The <c>"format"</c> value of <see cref="ConfigFileName"/>.</summary>
    public const string JsonFormat = "rgsud.rain-critic";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly RainCriticNetwork network;
    private bool disposed;

    private RainCritic(RainCriticNetwork network, RainCriticOptions options, double temperature, RainCriticTrainingSummary? summary)
    {
        this.network = network;
        Options = options;
        Temperature = temperature;
        Summary = summary;
        network.eval();
        foreach (var p in network.parameters()) p.requires_grad = false;
    }

    /// <inheritdoc />
    public string Name => "critic";

    /// <inheritdoc />
    public ScoreDirection Direction => ScoreDirection.HigherIsBetter;

    /// <summary>The options the critic was built and trained with.</summary>
    public RainCriticOptions Options { get; }

    /// <summary>The calibration temperature T (1 when not calibrated).</summary>
    public double Temperature { get; }

    /// <summary>What training did and measured (kept with the critic when saved).</summary>
    public RainCriticTrainingSummary? Summary { get; }

    /// <summary>The device the network is on.</summary>
    public Device Device => network.parameters().First().device;

    /// <summary>
    /// Trains a critic on the CPU from rainy and clean images (<c>[3,H,W]</c> or <c>[1,3,H,W]</c>, values in [0,1],
    /// any device; unpaired). Each step draws <see cref="RainCriticOptions.BatchSize"/> square crops (one random
    /// side in [<see cref="RainCriticOptions.MinCropSize"/>, <see cref="RainCriticOptions.MaxCropSize"/>], capped by
    /// the smallest image), half rainy and half clean, with random horizontal and vertical flips, and takes an Adam
    /// step on the binary cross-entropy (clean = 1). A fraction of each class's images
    /// (<see cref="RainCriticOptions.CalibrationFraction"/>) is held out; the temperature minimising the
    /// negative log-likelihood of their scoring crops is then fitted. Deterministic for a seed and thread count.
    /// The global torch RNG is left as it was.
    /// </summary>
    /// <param name="rainy">Rainy training images (at least one; two to calibrate).</param>
    /// <param name="clean">Clean training images (at least one; two to calibrate).</param>
    /// <param name="options">Options; the defaults when null.</param>
    /// <param name="progress">Receives a report every <see cref="RainCriticOptions.ProgressInterval"/> steps.</param>
    /// <param name="cancellationToken">Cancels training between steps.</param>
    /// <exception cref="RgsudException">Invalid options, no images of a class, or an image smaller than 8×8.</exception>
    /// <exception cref="ArgumentException">An image is not a floating-point RGB tensor.</exception>
    public static RainCritic Train(IReadOnlyList<Tensor> rainy, IReadOnlyList<Tensor> clean, RainCriticOptions? options = null,
        IProgress<RainCriticProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rainy);
        ArgumentNullException.ThrowIfNull(clean);
        options ??= new RainCriticOptions();
        options.Validate();
        if (rainy.Count == 0) throw new RgsudException("training the rain critic needs at least one rainy image, got none");
        if (clean.Count == 0) throw new RgsudException("training the rain critic needs at least one clean image, got none");
        RgsudRuntime.EnsureInitialized();

        var sw = Stopwatch.StartNew();
        var rainyImages = rainy.Select((t, i) => Prepare(t, $"rainy[{i}]")).ToList();
        var cleanImages = clean.Select((t, i) => Prepare(t, $"clean[{i}]")).ToList();
        try
        {
            return TrainCore(rainyImages, cleanImages, options, progress, sw, cancellationToken);
        }
        finally
        {
            foreach (var t in rainyImages) t.Dispose();
            foreach (var t in cleanImages) t.Dispose();
        }
    }

    /// <summary>Trains a critic from the images of two folders (<see cref="ImageIO.ListImages"/>); see the tensor overload.</summary>
    /// <exception cref="RgsudFileException">A folder is missing.</exception>
    /// <exception cref="RgsudImageException">An image cannot be read.</exception>
    /// <exception cref="RgsudException">A folder has no images, or the options are invalid.</exception>
    public static RainCritic Train(string rainyDirectory, string cleanDirectory, RainCriticOptions? options = null,
        IProgress<RainCriticProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rainyDirectory);
        ArgumentException.ThrowIfNullOrEmpty(cleanDirectory);
        (options ?? new RainCriticOptions()).Validate();
        var rainy = ReadAll(rainyDirectory, cancellationToken);
        var clean = ReadAll(cleanDirectory, cancellationToken);
        try
        {
            return Train(rainy, clean, options, progress, cancellationToken);
        }
        finally
        {
            foreach (var t in rainy) t.Dispose();
            foreach (var t in clean) t.Dispose();
        }
    }

    /// <summary>
    /// Scores a batch <c>[N,3,H,W]</c> of RGB images in [0,1] (any device): the calibrated P(clean) averaged over
    /// each image's grid of crops. Returns a float64 CPU tensor <c>[N]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not a floating-point <c>[N,3,H,W]</c> batch.</exception>
    public Tensor Score(Tensor images)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"expected a batch [N,3,H,W], got [{string.Join(",", images.shape)}]", nameof(images));
        if (!images.is_floating_point())
            throw new ArgumentException($"expected a floating-point batch, got {images.dtype}", nameof(images));
        int n = checked((int)images.shape[0]);
        var scores = new double[n];
        using (no_grad())
        {
            for (int i = 0; i < n; i++)
            {
                using var scope = NewDisposeScope();
                var logits = CropLogits(images[i]);
                double sum = 0;
                foreach (var z in logits) sum += Sigmoid(z / Temperature);
                scores[i] = sum / logits.Length;
            }
        }
        return tensor(scores, new long[] { n }, ScalarType.Float64);
    }

    /// <summary>
    /// Saves the critic into <paramref name="directory"/>: <see cref="WeightsFileName"/> (safetensors) and
    /// <see cref="ConfigFileName"/> (options, temperature, training summary), each written atomically.
    /// </summary>
    /// <exception cref="RgsudFileException">A file cannot be written.</exception>
    public void Save(string directory)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(directory, $"cannot create the folder: {e.Message}", e);
        }
        ModuleWeights.Save(network, Path.Combine(directory, WeightsFileName),
            new Dictionary<string, string> { ["format"] = JsonFormat });
        var config = new RainCriticConfig(JsonFormat, 1, Temperature, Options, Summary);
        AtomicFile.Write(Path.Combine(directory, ConfigFileName), s => JsonSerializer.Serialize(s, config, Json));
    }

    /// <summary>Loads a critic saved by <see cref="Save(string)"/>.</summary>
    /// <param name="directory">The folder holding <see cref="WeightsFileName"/> and <see cref="ConfigFileName"/>.</param>
    /// <param name="device">The device to put the network on; the CPU when null.</param>
    /// <exception cref="RgsudFileException">A file is missing or malformed.</exception>
    /// <exception cref="RgsudWeightsException">The weights do not match the saved architecture.</exception>
    public static RainCritic Load(string directory, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var configPath = Path.Combine(directory, ConfigFileName);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!Directory.Exists(directory)) throw new RgsudFileException(directory, "critic folder not found");
        if (!File.Exists(configPath)) throw new RgsudFileException(configPath, "file not found (not a saved rain critic folder?)");
        if (!File.Exists(weightsPath)) throw new RgsudFileException(weightsPath, "file not found");
        RainCriticConfig config;
        try
        {
            config = JsonSerializer.Deserialize<RainCriticConfig>(File.ReadAllBytes(configPath), Json)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new RgsudFileException(configPath, $"not a valid rain critic configuration: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(configPath, $"cannot read the file: {e.Message}", e);
        }
        if (config.Format != JsonFormat) throw new RgsudFileException(configPath, $"\"format\" is '{config.Format}', expected '{JsonFormat}'");
        if (config.Version != 1) throw new RgsudFileException(configPath, $"unsupported version {config.Version} (this build reads version 1)");
        if (config.Options is null) throw new RgsudFileException(configPath, "has no \"options\"");
        if (!(config.Temperature > 0) || !double.IsFinite(config.Temperature))
            throw new RgsudFileException(configPath, $"\"temperature\" must be positive, got {config.Temperature}");
        try
        {
            config.Options.Validate();
        }
        catch (RgsudException e)
        {
            throw new RgsudFileException(configPath, e.Message, e);
        }

        RgsudRuntime.EnsureInitialized();
        var network = new RainCriticNetwork(config.Options.Channels, config.Options.LeakySlope);
        try
        {
            TensorLayout.ApplyPreferred(network);
            ModuleWeights.Load(network, weightsPath);
            if (device is not null && device.type != DeviceType.CPU) network.to(device);
            return new RainCritic(network, config.Options, config.Temperature, config.Summary);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Releases the network.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        network.Dispose();
    }

    /// <summary>The grid of crop origins along one dimension: evenly spaced, first at 0, last at length − crop.</summary>
    internal static int[] GridPositions(int length, int crop)
    {
        if (crop >= length) return [0];
        int count = (int)Math.Ceiling(length / (double)crop);
        var positions = new int[count];
        for (int k = 0; k < count; k++) positions[k] = (int)Math.Round(k * (length - crop) / (double)(count - 1), MidpointRounding.AwayFromZero);
        return positions;
    }

    /// <summary>The raw logits of one image's scoring crops (<c>[3,H,W]</c>, any device), evaluated together.</summary>
    private double[] CropLogits(Tensor image)
    {
        using var scope = NewDisposeScope();
        var x = image.detach().to(Device).to_type(ScalarType.Float32);
        int h = (int)x.shape[1], w = (int)x.shape[2];
        int ch = Math.Min(Options.ScoreCropSize, h), cw = Math.Min(Options.ScoreCropSize, w);
        var crops = new List<Tensor>();
        foreach (var top in GridPositions(h, ch))
            foreach (var left in GridPositions(w, cw))
                crops.Add(x.narrow(1, top, ch).narrow(2, left, cw));
        var batch = TensorLayout.ToPreferred(stack(crops));
        var logits = network.forward(batch).to(ScalarType.Float64).cpu();
        return logits.data<double>().ToArray();
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>log(1 + e^x) without overflow.</summary>
    private static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    private static Tensor Prepare(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        var chw = t.dim() == 4 && t.shape[0] == 1 ? t[0] : t.alias();
        using (chw)
        {
            if (chw.dim() != 3 || chw.shape[0] != 3)
                throw new ArgumentException($"{name}: expected an RGB image [3,H,W] or [1,3,H,W], got [{string.Join(",", t.shape)}]");
            if (!chw.is_floating_point()) throw new ArgumentException($"{name}: expected a floating-point image, got {chw.dtype}");
            if (chw.shape[1] < 8 || chw.shape[2] < 8)
                throw new RgsudException($"{name}: the rain critic needs images of at least 8x8 pixels, got {chw.shape[2]}x{chw.shape[1]}");
            return chw.detach().to(DeviceType.CPU).to_type(ScalarType.Float32).contiguous().clone();
        }
    }

    private static List<Tensor> ReadAll(string directory, CancellationToken cancellationToken)
    {
        var paths = ImageIO.ListImages(directory);
        if (paths.Count == 0) throw new RgsudException($"{directory}: no images to train the rain critic on");
        var list = new List<Tensor>(paths.Count);
        try
        {
            foreach (var p in paths)
            {
                cancellationToken.ThrowIfCancellationRequested();
                list.Add(ImageIO.Read(p));
            }
        }
        catch
        {
            foreach (var t in list) t.Dispose();
            throw;
        }
        return list;
    }

    private static RainCritic TrainCore(List<Tensor> rainy, List<Tensor> clean, RainCriticOptions options,
        IProgress<RainCriticProgress>? progress, Stopwatch sw, CancellationToken cancellationToken)
    {
        var rng = new Random(options.Seed);
        var (rainyTrain, rainyHeld) = Split(rainy, options.CalibrationFraction, rng);
        var (cleanTrain, cleanHeld) = Split(clean, options.CalibrationFraction, rng);
        bool calibrate = rainyHeld.Count > 0 && cleanHeld.Count > 0;
        if (!calibrate)
        {
            rainyTrain = rainy;
            cleanTrain = clean;
            rainyHeld = [];
            cleanHeld = [];
        }
        int minSide = rainyTrain.Concat(cleanTrain).Min(t => (int)Math.Min(t.shape[1], t.shape[2]));

        RainCriticNetwork network;
        var savedRng = torch.get_rng_state();
        try
        {
            torch.manual_seed(options.Seed);
            network = new RainCriticNetwork(options.Channels, options.LeakySlope);
        }
        finally
        {
            torch.set_rng_state(savedRng);
            savedRng.Dispose();
        }

        try
        {
            TensorLayout.ApplyPreferred(network);
            network.train();
            var parameters = network.parameters().ToList();
            using var optimizer = optim.Adam(parameters, options.LearningRate);
            int half = options.BatchSize / 2;
            var target = new float[options.BatchSize];
            for (int i = half; i < options.BatchSize; i++) target[i] = 1f;
            using var targetTensor = tensor(target);

            int skipped = 0, sinceReport = 0, correctSinceReport = 0, crops = 0;
            double lossSinceReport = 0;
            var tailLosses = new List<double>();
            int tailStart = options.Steps - Math.Max(1, options.Steps / 10);
            for (int step = 0; step < options.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int size = Math.Min(rng.Next(options.MinCropSize, options.MaxCropSize + 1), minSide);
                var batchCrops = new Tensor[options.BatchSize];
                for (int i = 0; i < options.BatchSize; i++)
                    batchCrops[i] = RandomCrop(i < half ? rainyTrain : cleanTrain, size, rng);
                var batch = TensorLayout.ToPreferred(stack(batchCrops));
                var logits = network.forward(batch);
                var loss = nn.functional.binary_cross_entropy_with_logits(logits, targetTensor);
                if (!GuardedOptimizerStep.TryStep(optimizer, loss, parameters))
                {
                    skipped++;
                    continue;
                }
                double l = loss.item<float>();
                var z = logits.detach().cpu().data<float>().ToArray();
                for (int i = 0; i < z.Length; i++) if ((z[i] > 0) == (i >= half)) correctSinceReport++;
                crops += z.Length;
                lossSinceReport += l;
                sinceReport++;
                if (step >= tailStart) tailLosses.Add(l);
                if (progress is not null && ((step + 1) % options.ProgressInterval == 0 || step + 1 == options.Steps))
                {
                    progress.Report(new RainCriticProgress(step + 1, options.Steps, lossSinceReport / sinceReport,
                        correctSinceReport / (double)crops, sw.Elapsed));
                    lossSinceReport = 0;
                    sinceReport = 0;
                    correctSinceReport = 0;
                    crops = 0;
                }
            }
            if (skipped == options.Steps)
                throw new RgsudNumericsException($"training the rain critic failed: all {options.Steps} steps had a non-finite loss or gradient");

            double temperature = 1, calLoss = double.NaN, calAccuracy = double.NaN;
            var critic = new RainCritic(network, options, 1.0, null);
            if (calibrate)
            {
                var logits = new List<(double Z, bool Clean)>();
                using (no_grad())
                {
                    foreach (var t in rainyHeld) logits.AddRange(critic.CropLogits(t).Select(z => (z, false)));
                    foreach (var t in cleanHeld) logits.AddRange(critic.CropLogits(t).Select(z => (z, true)));
                }
                temperature = FitTemperature(logits, options.MinTemperature, options.MaxTemperature);
                calLoss = LogLoss(logits, temperature);
                calAccuracy = logits.Count(p => (p.Z > 0) == p.Clean) / (double)logits.Count;
            }
            var summary = new RainCriticTrainingSummary(
                rainyTrain.Count + cleanTrain.Count, rainyHeld.Count + cleanHeld.Count, options.Steps - skipped, skipped,
                tailLosses.Count > 0 ? tailLosses.Average() : double.NaN, temperature, calLoss, calAccuracy, sw.Elapsed);
            return new RainCritic(network, options, temperature, summary);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static (List<Tensor> Train, List<Tensor> Held) Split(List<Tensor> images, double fraction, Random rng)
    {
        int held = fraction > 0 && images.Count >= 2
            ? Math.Clamp((int)Math.Round(fraction * images.Count, MidpointRounding.AwayFromZero), 1, images.Count - 1)
            : 0;
        var order = Enumerable.Range(0, images.Count).ToArray();
        rng.Shuffle(order);
        var heldSet = order.Take(held).ToHashSet();
        return (images.Where((_, i) => !heldSet.Contains(i)).ToList(), images.Where((_, i) => heldSet.Contains(i)).ToList());
    }

    private static Tensor RandomCrop(List<Tensor> images, int size, Random rng)
    {
        var img = images[rng.Next(images.Count)];
        int h = (int)img.shape[1], w = (int)img.shape[2];
        int top = rng.Next(h - size + 1), left = rng.Next(w - size + 1);
        var crop = img.narrow(1, top, size).narrow(2, left, size);
        if (rng.Next(2) == 1) crop = crop.flip(2);
        if (rng.Next(2) == 1) crop = crop.flip(1);
        return crop;
    }

    /// <summary>The temperature in [min, max] minimising the held-out log-loss (golden-section search on log T).</summary>
    private static double FitTemperature(List<(double Z, bool Clean)> logits, double min, double max)
    {
        double a = Math.Log(min), b = Math.Log(max);
        double invPhi = (Math.Sqrt(5) - 1) / 2;
        double c = b - invPhi * (b - a), d = a + invPhi * (b - a);
        double fc = LogLoss(logits, Math.Exp(c)), fd = LogLoss(logits, Math.Exp(d));
        for (int i = 0; i < 200 && b - a > 1e-9; i++)
        {
            if (fc <= fd)
            {
                b = d; d = c; fd = fc;
                c = b - invPhi * (b - a);
                fc = LogLoss(logits, Math.Exp(c));
            }
            else
            {
                a = c; c = d; fc = fd;
                d = a + invPhi * (b - a);
                fd = LogLoss(logits, Math.Exp(d));
            }
        }
        double t = Math.Exp((a + b) / 2);
        // The ends are candidates too (the loss is monotone when the held-out crops are perfectly separated).
        double best = t, bestLoss = LogLoss(logits, t);
        foreach (var e in new[] { min, max })
        {
            double l = LogLoss(logits, e);
            if (l < bestLoss) { best = e; bestLoss = l; }
        }
        return best;
    }

    private static double LogLoss(List<(double Z, bool Clean)> logits, double temperature)
    {
        double sum = 0;
        foreach (var (z, isClean) in logits) sum += Softplus(isClean ? -z / temperature : z / temperature);
        return sum / logits.Count;
    }
}
