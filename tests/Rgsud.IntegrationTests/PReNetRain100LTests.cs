using System.Diagnostics;
using System.Globalization;
using Rgsud.Data;
using Rgsud.Imaging;
using Rgsud.Metrics;
using Rgsud.Networks.Derainers;
using Rgsud.Runtime;
using Rgsud.Testing;
using Rgsud.Weights;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.IntegrationTests;

/// <summary>
/// The acceptance test of the PReNet port: the authors' Rain100L weights on the dev split must reproduce an
/// independent float32 PyTorch run (outputs clamped, 8-bit, Y-channel PSNR against dev/clean) within 0.1 dB.
/// </summary>
public sealed class PReNetRain100LTests(ITestOutputHelper output)
{
    // Reference: the authors' PReNet class in PyTorch, float32, same weights, same images.
    private static readonly Dictionary<string, double> ReferencePsnr = new(StringComparer.Ordinal)
    {
        ["rain-061"] = 34.66, ["rain-062"] = 35.21, ["rain-063"] = 34.57, ["rain-064"] = 41.20, ["rain-065"] = 32.32,
        ["rain-066"] = 42.14, ["rain-067"] = 37.65, ["rain-068"] = 38.83, ["rain-070"] = 38.76,
    };

    private const double ReferenceMean = 37.26;
    private const double Tolerance = 0.1;

    [SharedDataFact]
    public void SharedWeights_OnDev_MatchThePyTorchReference()
    {
        using var net = new PReNet();
        ModuleWeights.Load(net, SharedData.Path("weights", "prenet6-rain100l.safetensors"));
        TensorLayout.ApplyPreferred(net);
        net.eval();

        var pairing = ImagePairing.Pair(
            ImageIO.ListImages(SharedData.Path("data", "rain100l", "dev", "rainy")),
            ImageIO.ListImages(SharedData.Path("data", "rain100l", "dev", "clean")));
        Assert.Empty(pairing.UnpairedPredictions);
        Assert.Equal(ReferencePsnr.Keys.Order(StringComparer.Ordinal), pairing.Pairs.Select(p => p.Name));

        output.WriteLine($"{"image",-10} {"PSNR",8} {"ref",8} {"diff",7} {"SSIM",7} {"ms",6}");
        var psnrs = new List<double>();
        var ssims = new List<double>();
        var failures = new List<string>();
        foreach (var pair in pairing.Pairs)
        {
            using var scope = NewDisposeScope();
            var rainy = ImageIO.Read(pair.Prediction);
            var clean = ImageIO.Read(pair.Target);
            var watch = Stopwatch.StartNew();
            Tensor derained;
            using (no_grad()) derained = net.call(TensorLayout.ToPreferred(rainy));
            watch.Stop();
            var psnr = ImageQuality.Psnr(derained, clean, MetricChannel.Y);
            var ssim = ImageQuality.Ssim(derained, clean, MetricChannel.Y);
            var reference = ReferencePsnr[pair.Name];
            psnrs.Add(psnr);
            ssims.Add(ssim);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{pair.Name,-10} {psnr,8:F3} {reference,8:F2} {psnr - reference,7:+0.000;-0.000} {ssim,7:F4} {watch.ElapsedMilliseconds,6}"));
            if (!(Math.Abs(psnr - reference) <= Tolerance))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{pair.Name}: {psnr:F3} dB vs reference {reference:F2} dB"));
        }
        var mean = psnrs.Average();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"mean",-10} {mean,8:F3} {ReferenceMean,8:F2} {mean - ReferenceMean,7:+0.000;-0.000} {ssims.Average(),7:F4}"));

        Assert.True(failures.Count == 0, "PSNR differs from the PyTorch reference by more than 0.1 dB: " + string.Join("; ", failures));
        Assert.InRange(mean, ReferenceMean - Tolerance, ReferenceMean + Tolerance);
    }
}
