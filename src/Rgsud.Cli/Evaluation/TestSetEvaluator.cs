using Rgsud.Data;
using Rgsud.Imaging;
using Rgsud.Metrics;
using Rgsud.Networks;
using Rgsud.Rewards.Scorers;
using static TorchSharp.torch;

namespace Rgsud.Cli.Evaluation;

/// <summary>
/// Scores a model (or the rainy input itself) on paired test images: PSNR and SSIM on the MATLAB Y channel
/// against the ground truth and, with a NIQE scorer, NIQE of the output. Derained outputs are written as PNG.
/// </summary>
internal static class TestSetEvaluator
{
    /// <summary>Pairs the test folders (by stem, else by the last number: rain-071 ↔ norain-071); throws when nothing pairs.</summary>
    public static IReadOnlyList<ImagePair> Pair(string testRainy, string testClean)
    {
        var rainy = ImageIO.ListImages(testRainy);
        if (rainy.Count == 0) throw new RgsudFileException(testRainy, "the folder holds no images");
        var clean = ImageIO.ListImages(testClean);
        if (clean.Count == 0) throw new RgsudFileException(testClean, "the folder holds no images");
        var pairing = ImagePairing.Pair(rainy, clean);
        if (pairing.Pairs.Count == 0)
            throw new RgsudException($"no image in {testRainy} has a ground-truth partner in {testClean} (pairing is by identical name, else by the last number in the name)");
        return pairing.Pairs;
    }

    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="pairs"/> (null: the rainy inputs as they are, the
    /// "input" row). Outputs go to <paramref name="outputDirectory"/> as <c>&lt;stem&gt;.png</c> when given.
    /// </summary>
    public static ArmScores Evaluate(string name, Derainer? model, IReadOnlyList<ImagePair> pairs, NiqeScorer? niqe, string? outputDirectory,
        Action<int, int>? onImage = null, CancellationToken cancellationToken = default)
    {
        var images = new List<ImageScore>(pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pair = pairs[i];
            using var scope = NewDisposeScope();
            var rainy = ImageIO.Read(pair.Prediction);
            var clean = ImageIO.Read(pair.Target);
            if (rainy.shape[2] != clean.shape[2] || rainy.shape[3] != clean.shape[3])
                throw new RgsudFileException(pair.Prediction, $"is {rainy.shape[3]}x{rainy.shape[2]} but its ground truth {Path.GetFileName(pair.Target)} is {clean.shape[3]}x{clean.shape[2]}");
            var output = model is null ? rainy : model.Derain(rainy);
            // Scored as written: 8-bit values, like `rgsud eval` on the PNG files.
            var quantised = output.clamp(0, 1).mul(255).round().div(255);
            if (outputDirectory is not null)
                ImageIO.WritePng(output, Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(pair.Prediction) + ".png"));
            double psnr = ImageQuality.Psnr(quantised, clean, MetricChannel.Y);
            double ssim = ImageQuality.Ssim(quantised, clean, MetricChannel.Y);
            double? niqeScore = null;
            if (niqe is not null && output.shape[2] >= NiqeScorer.MinimumSize && output.shape[3] >= NiqeScorer.MinimumSize)
            {
                using var s = niqe.Score(quantised);
                niqeScore = s.to(float64).item<double>();
            }
            images.Add(new ImageScore(pair.Name, psnr, ssim, niqeScore));
            onImage?.Invoke(i + 1, pairs.Count);
        }
        double? meanNiqe = niqe is null || images.Any(i => i.Niqe is null) ? null : images.Average(i => i.Niqe!.Value);
        return new ArmScores(name, images.Average(i => i.Psnr), images.Average(i => i.Ssim), meanNiqe, images, outputDirectory);
    }
}
