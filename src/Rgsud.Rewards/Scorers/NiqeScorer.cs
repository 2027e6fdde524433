using Rgsud.Abstractions;
using Rgsud.Rewards.Niqe;
using Rgsud.Runtime;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Scorers;

/// <summary>
/// NIQE (Mittal et al., "Making a 'Completely Blind' Image Quality Analyzer", 2013), lower is better, computed
/// exactly as the official MATLAB release and BasicSR's <c>calculate_niqe</c>: each image is quantised to 8 bits,
/// reduced to MATLAB's rounded <c>rgb2ycbcr</c> Y channel, cropped from the top-left to whole 96×96 blocks, and
/// compared with the pristine model at two scales (the second by MATLAB's antialiased bicubic <c>imresize</c>).
/// With the official model, <c>baboon.png</c> scores 5.72957 as in MATLAB R2021a.
/// <para>
/// Images must be at least <see cref="MinimumSize"/>×<see cref="MinimumSize"/> (one block); with a single block
/// the image's feature covariance is taken as zero (MATLAB's convention for one observation), so the score is
/// less reliable below 192×96. An image whose blocks have no finite features (e.g. a constant image) scores NaN,
/// which the reward bank never prefers. Images of a batch are scored in parallel on the CPU; the result does not
/// depend on the batch or the thread count.
/// </para>
/// </summary>
public sealed class NiqeScorer : IRewardScorer
{
    /// <summary>The smallest height and width NIQE accepts (one 96×96 block).</summary>
    public const int MinimumSize = NiqeFeatures.BlockSize;

    private readonly int maxDegreeOfParallelism;

    /// <summary>Creates a scorer with a pristine model.</summary>
    /// <param name="model">The pristine model (e.g. <see cref="NiqeModel.LoadNpz(string)"/> of the official parameters).</param>
    /// <param name="maxDegreeOfParallelism">Images scored at once; -1 (the default) uses every core.</param>
    public NiqeScorer(NiqeModel model, int maxDegreeOfParallelism = -1)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "must be -1 or at least 1");
        this.maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    /// <summary>Creates a scorer from a model file (<c>.npz</c> or the JSON of <see cref="NiqeModel.SaveJson(string)"/>).</summary>
    /// <exception cref="RgsudFileException">The file is missing or malformed.</exception>
    public static NiqeScorer FromFile(string modelPath) => new(NiqeModel.Load(modelPath));

    /// <inheritdoc />
    public string Name => "niqe";

    /// <inheritdoc />
    public ScoreDirection Direction => ScoreDirection.LowerIsBetter;

    /// <summary>The pristine model.</summary>
    public NiqeModel Model { get; }

    /// <summary>
    /// Scores a batch <c>[N,3,H,W]</c> of RGB images in [0,1] (any device, any floating-point type, any strides).
    /// Returns a float64 CPU tensor <c>[N]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not a floating-point <c>[N,3,H,W]</c> batch.</exception>
    /// <exception cref="RgsudException">The images are smaller than 96×96.</exception>
    public Tensor Score(Tensor images)
    {
        var (n, h, w) = Luma.CheckBatch(images, MinimumSize);
        RgsudRuntime.EnsureInitialized();
        var bytes = Luma.Quantize(images);
        int size = 3 * h * w;
        var scores = new double[n];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, n, options, i =>
        {
            var y = Luma.FromRgb8(bytes.AsSpan(i * size, size), h, w);
            scores[i] = NiqeFeatures.Quality(y, h, w, Model);
        });
        return tensor(scores, new long[] { n }, ScalarType.Float64);
    }

    /// <summary>
    /// NIQE of a luma plane <c>[rows, columns]</c> with values 0–255 (as MATLAB's <c>niqe</c> on a double
    /// grayscale image; pass integer values for the 8-bit convention).
    /// </summary>
    /// <exception cref="RgsudException">The plane is smaller than 96×96.</exception>
    public double ScoreLuma(double[,] luma)
    {
        ArgumentNullException.ThrowIfNull(luma);
        int h = luma.GetLength(0), w = luma.GetLength(1);
        var flat = new double[h * w];
        int k = 0;
        foreach (var v in luma) flat[k++] = v;
        return NiqeFeatures.Quality(flat, h, w, Model);
    }
}
