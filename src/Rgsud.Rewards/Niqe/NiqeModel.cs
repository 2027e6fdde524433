using System.Collections.ObjectModel;
using System.Text.Json;
using Rgsud.Imaging;
using Rgsud.IO;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Niqe;

/// <summary>
/// NIQE's pristine model: the mean (36) and covariance (36×36) of the multivariate Gaussian fitted to the
/// features of sharp patches of pristine images, and the 7×7 Gaussian window used for MSCN coefficients.
/// Immutable. Load the official model with <see cref="LoadNpz(string)"/> (BasicSR's
/// <c>niqe_pris_params.npz</c>), fit one from clean images with <see cref="Fit(IEnumerable{string}, NiqeFitOptions?, CancellationToken)"/>,
/// and keep it with <see cref="SaveJson(string)"/> / <see cref="LoadJson(string)"/>.
/// </summary>
public sealed class NiqeModel
{
    /// <summary>The number of NIQE features (18 per scale, two scales).</summary>
    public const int FeatureCount = NiqeFeatures.FeatureCount;

    /// <summary>The side of the Gaussian window.</summary>
    public const int WindowSize = NiqeFeatures.WindowSize;

    /// <summary>The <c>"format"</c> value of the JSON files this type writes.</summary>
    public const string JsonFormat = "rgsud.niqe-model";

    private readonly double[] mean;
    private readonly double[,] covariance;
    private readonly double[] window;

    /// <summary>Creates a model from its parameters (copied).</summary>
    /// <param name="mean">The pristine feature mean, 36 finite values.</param>
    /// <param name="covariance">The pristine feature covariance, 36×36 finite values.</param>
    /// <param name="gaussianWindow">The 7×7 MSCN window (finite).</param>
    /// <param name="description">Where the model comes from (free text).</param>
    /// <exception cref="ArgumentException">A parameter has the wrong size or a non-finite value.</exception>
    public NiqeModel(IReadOnlyList<double> mean, double[,] covariance, double[,] gaussianWindow, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(gaussianWindow);
        if (mean.Count != FeatureCount) throw new ArgumentException($"the mean must have {FeatureCount} values, got {mean.Count}", nameof(mean));
        if (covariance.GetLength(0) != FeatureCount || covariance.GetLength(1) != FeatureCount)
            throw new ArgumentException($"the covariance must be {FeatureCount}x{FeatureCount}, got {covariance.GetLength(0)}x{covariance.GetLength(1)}", nameof(covariance));
        if (gaussianWindow.GetLength(0) != WindowSize || gaussianWindow.GetLength(1) != WindowSize)
            throw new ArgumentException($"the Gaussian window must be {WindowSize}x{WindowSize}, got {gaussianWindow.GetLength(0)}x{gaussianWindow.GetLength(1)}", nameof(gaussianWindow));
        if (mean.Any(v => !double.IsFinite(v))) throw new ArgumentException("the mean has a non-finite value", nameof(mean));
        foreach (var v in covariance) if (!double.IsFinite(v)) throw new ArgumentException("the covariance has a non-finite value", nameof(covariance));
        foreach (var v in gaussianWindow) if (!double.IsFinite(v)) throw new ArgumentException("the Gaussian window has a non-finite value", nameof(gaussianWindow));

        this.mean = mean.ToArray();
        this.covariance = (double[,])covariance.Clone();
        window = new double[WindowSize * WindowSize];
        for (int i = 0; i < WindowSize; i++)
            for (int j = 0; j < WindowSize; j++) window[i * WindowSize + j] = gaussianWindow[i, j];
        Mean = new ReadOnlyCollection<double>(this.mean);
        Description = description ?? string.Empty;
    }

    /// <summary>The pristine feature mean (36 values).</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Where the model comes from, e.g. the file it was loaded from or the images it was fitted on.</summary>
    public string Description { get; }

    internal double[] MeanArray => mean;

    internal double[,] CovarianceArray => covariance;

    internal double[] WindowArray => window;

    /// <summary>A copy of the pristine feature covariance (36×36).</summary>
    public double[,] GetCovariance() => (double[,])covariance.Clone();

    /// <summary>A copy of the 7×7 Gaussian window.</summary>
    public double[,] GetGaussianWindow()
    {
        var w = new double[WindowSize, WindowSize];
        for (int i = 0; i < WindowSize; i++)
            for (int j = 0; j < WindowSize; j++) w[i, j] = window[i * WindowSize + j];
        return w;
    }

    /// <summary>
    /// The official window: MATLAB's <c>fspecial('gaussian', 7, 7/6)</c> normalised to sum to 1, i.e.
    /// <c>exp(−(x² + y²)/(2σ²))</c> for x, y in −3..3 with σ = 7/6.
    /// </summary>
    public static double[,] StandardGaussianWindow()
    {
        const double sigma = 7.0 / 6.0;
        var w = new double[WindowSize, WindowSize];
        double sum = 0;
        for (int i = 0; i < WindowSize; i++)
            for (int j = 0; j < WindowSize; j++)
            {
                double x = i - WindowSize / 2, y = j - WindowSize / 2;
                w[i, j] = Math.Exp(-(x * x + y * y) / (2 * sigma * sigma));
                sum += w[i, j];
            }
        for (int i = 0; i < WindowSize; i++)
            for (int j = 0; j < WindowSize; j++) w[i, j] /= sum;
        return w;
    }

    /// <summary>Loads a model by extension: <c>.npz</c> (<see cref="LoadNpz"/>) or anything else as JSON (<see cref="LoadJson"/>).</summary>
    /// <exception cref="RgsudFileException">The file is missing or malformed.</exception>
    public static NiqeModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return string.Equals(Path.GetExtension(path), ".npz", StringComparison.OrdinalIgnoreCase) ? LoadNpz(path) : LoadJson(path);
    }

    /// <summary>
    /// Loads the official model from a numpy archive holding <c>mu_pris_param</c> (1×36 or 36),
    /// <c>cov_pris_param</c> (36×36) and <c>gaussian_window</c> (7×7), as BasicSR's <c>niqe_pris_params.npz</c>.
    /// </summary>
    /// <exception cref="RgsudFileException">The file is missing, not a valid .npz, or lacks an array or has one of the wrong shape.</exception>
    public static NiqeModel LoadNpz(string path)
    {
        var arrays = NumpyArchive.ReadNpz(path);
        NpyArray Get(string name, params int[][] shapes)
        {
            if (!arrays.TryGetValue(name, out var a))
                throw new RgsudFileException(path, $"missing array '{name}' (the archive has: {string.Join(", ", arrays.Keys.Order(StringComparer.Ordinal))})");
            if (!shapes.Any(s => s.SequenceEqual(a.Shape)))
                throw new RgsudFileException(path, $"array '{name}' has shape {a.ShapeText}, expected {string.Join(" or ", shapes.Select(s => new NpyArray(s, []).ShapeText))}");
            if (a.Data.Any(v => !double.IsFinite(v)))
                throw new RgsudFileException(path, $"array '{name}' has a non-finite value");
            return a;
        }

        var mu = Get("mu_pris_param", [1, FeatureCount], [FeatureCount]);
        var cov = Get("cov_pris_param", [FeatureCount, FeatureCount]);
        var win = Get("gaussian_window", [WindowSize, WindowSize]);
        return new NiqeModel(mu.Data, ToMatrix(cov.Data, FeatureCount), ToMatrix(win.Data, WindowSize), Path.GetFullPath(path));
    }

    /// <summary>Loads a model written by <see cref="SaveJson(string)"/>.</summary>
    /// <exception cref="RgsudFileException">The file is missing or is not a NIQE model of this format.</exception>
    public static NiqeModel LoadJson(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new RgsudFileException(path, Directory.Exists(path) ? "is a directory, not a NIQE model file" : "file not found");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the top level is not a JSON object");
            if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != JsonFormat)
                throw new FormatException($"\"format\" is not \"{JsonFormat}\"");
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 1)
                throw new FormatException("unsupported \"version\" (this build reads version 1)");
            var mu = ReadVector(root, "mean", FeatureCount);
            var cov = ReadMatrix(root, "covariance", FeatureCount);
            var win = ReadMatrix(root, "gaussianWindow", WindowSize);
            string? description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return new NiqeModel(mu, cov, win, description);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new RgsudFileException(path, $"not a valid NIQE model: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>Writes the model as JSON (exact float64 round trip), atomically; missing folders are created.</summary>
    /// <exception cref="RgsudFileException">The file cannot be written.</exception>
    public void SaveJson(string path)
    {
        AtomicFile.Write(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("format", JsonFormat);
            w.WriteNumber("version", 1);
            w.WriteString("description", Description);
            w.WriteStartArray("mean");
            foreach (var v in mean) w.WriteNumberValue(v);
            w.WriteEndArray();
            WriteMatrix(w, "covariance", covariance);
            WriteMatrix(w, "gaussianWindow", GetGaussianWindow());
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Fits a pristine model from clean images, as the official NIQE training (<c>estimatemodelparam</c> with
    /// 96×96 blocks, no overlap, <c>sh_th</c> = 0.75): every image is cropped to whole 96×96 blocks; each block's 36
    /// features and its sharpness (mean local σ) are computed; blocks sharper than the threshold times the image's
    /// sharpest block are kept; the model is the NaN-ignoring mean and covariance of the kept blocks' features; the
    /// window is <see cref="StandardGaussianWindow"/>. Unlike the official training (MATLAB's <c>rgb2gray</c>), the
    /// images are reduced to the rounded Y channel that <see cref="Scorers.NiqeScorer"/> scores.
    /// </summary>
    /// <param name="cleanImagePaths">Image files (read with <see cref="ImageIO.Read(string, ImageReadOptions?)"/>), each at least 96×96.</param>
    /// <param name="options">Options; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the fit between images.</param>
    /// <exception cref="RgsudException">No image, an image smaller than 96×96, or too few usable patches.</exception>
    /// <exception cref="RgsudImageException">An image cannot be read.</exception>
    public static NiqeModel Fit(IEnumerable<string> cleanImagePaths, NiqeFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cleanImagePaths);
        var paths = cleanImagePaths.ToList();
        return FitCore(paths.Count, i =>
        {
            using var image = ImageIO.Read(paths[i]);
            return LumaOf(image, paths[i]);
        }, options, $"{paths.Count} images", cancellationToken);
    }

    /// <summary>
    /// Fits a pristine model from clean images given as tensors (<c>[3,H,W]</c> or <c>[N,3,H,W]</c>, values in
    /// [0,1], any device); see <see cref="Fit(IEnumerable{string}, NiqeFitOptions?, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="RgsudException">No image, an image smaller than 96×96, or too few usable patches.</exception>
    public static NiqeModel Fit(IEnumerable<Tensor> cleanImages, NiqeFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cleanImages);
        var planes = new List<(double[] Y, int H, int W)>();
        foreach (var t in cleanImages)
        {
            ArgumentNullException.ThrowIfNull(t);
            var batch = t.dim() == 3 ? t.unsqueeze(0) : t.alias();
            using (batch)
            {
                var (n, h, w) = Luma.CheckBatch(batch, NiqeFeatures.BlockSize);
                var bytes = Luma.Quantize(batch);
                int size = 3 * h * w;
                for (int k = 0; k < n; k++) planes.Add((Luma.FromRgb8(bytes.AsSpan(k * size, size), h, w), h, w));
            }
        }
        return FitCore(planes.Count, i => planes[i], options, $"{planes.Count} images", cancellationToken);
    }

    private static (double[] Y, int H, int W) LumaOf(Tensor image, string name)
    {
        int h = (int)image.shape[2], w = (int)image.shape[3];
        if (h < NiqeFeatures.BlockSize || w < NiqeFeatures.BlockSize)
            throw new RgsudFileException(name, $"is {w}x{h}; fitting NIQE needs images of at least {NiqeFeatures.BlockSize}x{NiqeFeatures.BlockSize}");
        return (Luma.FromRgb8(Luma.Quantize(image), h, w), h, w);
    }

    private static NiqeModel FitCore(int count, Func<int, (double[] Y, int H, int W)> load, NiqeFitOptions? options,
        string what, CancellationToken cancellationToken)
    {
        options ??= new NiqeFitOptions();
        options.Validate();
        if (count == 0) throw new RgsudException("fitting a NIQE model needs at least one clean image, got none");

        var perImage = new List<double[]>[count];
        int total = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, count, parallel, i =>
        {
            var (y, h, w) = load(i);
            var sharpness = new List<double>();
            var rows = NiqeFeatures.Extract(y, h, w, FlatWindow, sharpness);
            double max = sharpness.Max();
            var kept = new List<double[]>();
            for (int k = 0; k < rows.Length; k++)
                if (sharpness[k] > options.SharpnessThreshold * max) kept.Add(rows[k]);
            perImage[i] = kept;
            Interlocked.Add(ref total, rows.Length);
        });

        var all = perImage.SelectMany(r => r).ToList();
        int complete = all.Count(r => !r.Any(double.IsNaN));
        if (complete < options.MinimumPatches)
            throw new RgsudException($"fitting a NIQE model needs at least {options.MinimumPatches} sharp patches with finite features, got {complete} (of {total} patches in {what})");
        var mu = NiqeFeatures.NanMean(all);
        var cov = NiqeFeatures.NanCovariance(all);
        return new NiqeModel(mu, cov, StandardGaussianWindow(),
            $"fitted on {what}: {all.Count} of {total} 96x96 patches (sharpness > {options.SharpnessThreshold} x the image's sharpest)");
    }

    private static readonly double[] FlatWindow = Flatten(StandardGaussianWindow());

    private static double[] Flatten(double[,] m)
    {
        var f = new double[m.Length];
        int k = 0;
        foreach (var v in m) f[k++] = v;
        return f;
    }

    private static double[,] ToMatrix(double[] data, int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m[i, j] = data[i * n + j];
        return m;
    }

    private static double[] ReadVector(JsonElement root, string name, int n)
    {
        if (!root.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != n)
            throw new FormatException($"\"{name}\" must be an array of {n} numbers");
        return a.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    private static double[,] ReadMatrix(JsonElement root, string name, int n)
    {
        if (!root.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != n)
            throw new FormatException($"\"{name}\" must be an array of {n} rows of {n} numbers");
        var m = new double[n, n];
        int i = 0;
        foreach (var row in a.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != n)
                throw new FormatException($"\"{name}\" must be an array of {n} rows of {n} numbers");
            int j = 0;
            foreach (var v in row.EnumerateArray()) m[i, j++] = v.GetDouble();
            i++;
        }
        return m;
    }

    private static void WriteMatrix(Utf8JsonWriter w, string name, double[,] m)
    {
        w.WriteStartArray(name);
        for (int i = 0; i < m.GetLength(0); i++)
        {
            w.WriteStartArray();
            for (int j = 0; j < m.GetLength(1); j++) w.WriteNumberValue(m[i, j]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }
}
