using Rgsud.Abstractions;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// DA-CLIP IQA as a reward (the scorer of the paper's Table 7): the score of an image is
/// <c>1 − p(rainy)</c>, where <c>p</c> is DA-CLIP's zero-shot degradation distribution
/// <c>softmax(100 · norm(controller features) · norm(text embeddings)ᵀ)</c> over its ten words
/// (<see cref="DaClipModel.DefaultDegradations"/>). Higher is better; range [0, 1].
/// <para>
/// Why <c>1 − p(rainy)</c>: a derainer should remove rain streaks, so the reward is the probability mass DA-CLIP puts
/// on anything but "rainy". "raindrop" (drops on glass) is a different degradation that Rain100L-style data do not
/// contain, so it is left out by default; set <see cref="DaClipOptions.RewardDegradation"/> to
/// <see cref="Raindrop"/> to use <c>1 − p(raindrop)</c> instead, and read every probability with
/// <see cref="Degradations"/>. The score is computed in float64 as the sum of the other words' probabilities, so it
/// keeps its resolution when <c>p(rainy)</c> is close to 1.
/// </para>
/// <para>
/// Images are preprocessed as CLIP does (<see cref="DaClipPreprocessing"/>; centre crop by default) and scored in
/// batches of <see cref="DaClipOptions.BatchSize"/>; only the controller runs (the base tower does not influence the
/// probabilities). The model is frozen (eval mode, no gradients, no autograd graph): the same image always gets the
/// same score. Weights are not shipped: convert DA-CLIP's <c>daclip_ViT-B-32.pt</c> with <c>tools/convert_daclip.py</c>
/// (<c>docs/weights.md</c>).
/// </para>
/// </summary>
public sealed class DaClipScorer : IRewardScorer, IDisposable
{
    /// <summary>The word of rain streaks (the default reward degradation).</summary>
    public const string Rainy = "rainy";

    /// <summary>The word of raindrops on glass.</summary>
    public const string Raindrop = "raindrop";

    private readonly DaClipModel model;
    private readonly bool ownsModel;
    private readonly int rewardIndex;
    private bool disposed;

    /// <summary>Creates a scorer around a model (which is frozen: eval mode, no gradients).</summary>
    /// <param name="model">The model; see <see cref="DaClipModel.Load"/>.</param>
    /// <param name="options">Options; the defaults when null.</param>
    /// <param name="ownsModel">When true, disposing the scorer disposes the model.</param>
    /// <exception cref="RgsudException">Invalid options, or the reward degradation is not one of the model's words.</exception>
    public DaClipScorer(DaClipModel model, DaClipOptions? options = null, bool ownsModel = false)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        Options = options ?? new DaClipOptions();
        Options.Validate();
        rewardIndex = IndexOf(model.Degradations, Options.RewardDegradation);
        if (rewardIndex < 0)
            throw new RgsudException($"DA-CLIP reward degradation '{Options.RewardDegradation}' is not one of the model's words ({string.Join(", ", model.Degradations)})");
        this.ownsModel = ownsModel;
        model.Freeze();
    }

    /// <summary>Loads DA-CLIP weights (Rgsud's format, see <c>docs/weights.md</c>) and creates a scorer that owns them.</summary>
    /// <param name="path">A safetensors file written by <c>tools/convert_daclip.py</c>.</param>
    /// <param name="options">Options; the defaults when null.</param>
    /// <param name="device">The device the model runs on; the CPU when null.</param>
    /// <exception cref="RgsudWeightsException">The file is missing, malformed, not DA-CLIP weights for Rgsud, or does not match.</exception>
    /// <exception cref="RgsudException">Invalid options, or the reward degradation is not one of the file's words.</exception>
    public static DaClipScorer Load(string path, DaClipOptions? options = null, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (options ?? new DaClipOptions()).Validate();
        var model = DaClipModel.Load(path, device);
        try
        {
            return new DaClipScorer(model, options, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public string Name => "daclip";

    /// <inheritdoc />
    public ScoreDirection Direction => ScoreDirection.HigherIsBetter;

    /// <summary>The options.</summary>
    public DaClipOptions Options { get; }

    /// <summary>The model.</summary>
    public DaClipModel Model => model;

    /// <summary>The degradation words, in the order of <see cref="DegradationProbabilities"/>.</summary>
    public IReadOnlyList<string> DegradationWords => model.Degradations;

    /// <summary>
    /// Scores a batch <c>[N,3,H,W]</c> of RGB images in [0,1] (any device, any floating type):
    /// <c>1 − p(<see cref="DaClipOptions.RewardDegradation"/>)</c> per image. Returns a float64 CPU tensor <c>[N]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not a floating-point <c>[N,3,H,W]</c> batch.</exception>
    public Tensor Score(Tensor images)
    {
        var p = Probabilities(images);
        int n = p.GetLength(0), k = p.GetLength(1);
        var scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            double others = 0;
            for (int j = 0; j < k; j++) if (j != rewardIndex) others += p[i, j];
            // The sum may round to just above 1 when p(word) is tiny; the range is [0, 1]. NaN stays NaN.
            scores[i] = Math.Clamp(others, 0, 1);
        }
        return tensor(scores, new long[] { n }, ScalarType.Float64);
    }

    /// <summary>
    /// DA-CLIP's degradation probabilities of a batch <c>[N,3,H,W]</c> of RGB images in [0,1]: a float64 CPU tensor
    /// <c>[N, K]</c>, columns in the order of <see cref="DegradationWords"/>, rows summing to 1.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not a floating-point <c>[N,3,H,W]</c> batch.</exception>
    public Tensor DegradationProbabilities(Tensor images)
    {
        var p = Probabilities(images);
        var flat = new double[p.Length];
        Buffer.BlockCopy(p, 0, flat, 0, p.Length * sizeof(double));
        return tensor(flat, new long[] { p.GetLength(0), p.GetLength(1) }, ScalarType.Float64);
    }

    /// <summary>The degradation probabilities of each image of a batch <c>[N,3,H,W]</c> in [0,1], with the words.</summary>
    /// <exception cref="ArgumentException">The tensor is not a floating-point <c>[N,3,H,W]</c> batch.</exception>
    public IReadOnlyList<DaClipDegradationReadout> Degradations(Tensor images)
    {
        var p = Probabilities(images);
        int n = p.GetLength(0), k = p.GetLength(1);
        var result = new DaClipDegradationReadout[n];
        for (int i = 0; i < n; i++)
        {
            var row = new double[k];
            for (int j = 0; j < k; j++) row[j] = p[i, j];
            result[i] = new DaClipDegradationReadout(model.Degradations, row);
        }
        return result;
    }

    /// <summary>Releases the model when the scorer owns it.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (ownsModel) model.Dispose();
    }

    /// <summary>Probabilities <c>[N, K]</c>: float32 logits from the model, softmax in float64.</summary>
    private double[,] Probabilities(Tensor images)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"expected a batch [N,3,H,W], got [{string.Join(",", images.shape)}]", nameof(images));
        if (!images.is_floating_point())
            throw new ArgumentException($"expected a floating-point batch, got {images.dtype}", nameof(images));
        RgsudRuntime.EnsureInitialized();
        int n = checked((int)images.shape[0]), k = model.Degradations.Count;
        var result = new double[n, k];
        var device = model.TextEmbeddings.device;
        using var noGrad = no_grad();
        for (int start = 0; start < n; start += Options.BatchSize)
        {
            int count = Math.Min(Options.BatchSize, n - start);
            using var scope = NewDisposeScope();
            var chunk = images.narrow(0, start, count).to(device);
            var input = DaClipPreprocessing.Apply(chunk, Options.Preprocess);
            var logits = model.DegradationLogits(input).to(ScalarType.Float64).cpu().data<double>().ToArray();
            for (int i = 0; i < count; i++)
            {
                double max = double.NegativeInfinity;
                for (int j = 0; j < k; j++) max = Math.Max(max, logits[i * k + j]);
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.Exp(logits[i * k + j] - max);
                for (int j = 0; j < k; j++) result[start + i, j] = Math.Exp(logits[i * k + j] - max) / sum;
            }
        }
        return result;
    }

    private static int IndexOf(IReadOnlyList<string> words, string word)
    {
        for (int i = 0; i < words.Count; i++) if (string.Equals(words[i], word, StringComparison.Ordinal)) return i;
        return -1;
    }
}
