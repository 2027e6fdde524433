using System.Diagnostics;
using System.Globalization;
using Rgsud.Imaging;
using Rgsud.Metrics;
using Rgsud.Testing;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Rgsud.Core.Tests.Metrics;

/// <summary>Metrics on the real Rain100L dev pairs (rainy input vs clean ground truth) in ../shared.</summary>
public sealed class Rain100LMetricsTests(ITestOutputHelper output)
{
    /// <summary>Y-channel PSNR (dB, rounded to 3 decimals) of each rainy dev image against its clean image.</summary>
    public static TheoryData<string, double> KnownYPsnr => new()
    {
        { "061", 23.533 },
        { "062", 26.382 },
        { "063", 22.176 },
        { "064", 27.625 },
        { "065", 22.116 },
        { "066", 31.811 },
        { "067", 26.684 },
        { "068", 28.025 },
        { "070", 28.781 },
    };

    /// <summary>Y-PSNR of every dev pair, computed once for all the tests of this class.</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, double>> MeasuredYPsnr = new(() =>
    {
        var result = new Dictionary<string, double>();
        foreach (var row in KnownYPsnr)
        {
            var id = (string)row[0];
            var (rainy, clean) = Pair(id);
            using (rainy)
            using (clean) result[id] = ImageQuality.Psnr(rainy, clean);
        }

        return result;
    });

    private static (torch.Tensor Rainy, torch.Tensor Clean) Pair(string id) =>
        (ImageIO.Read(SharedData.Path("data", "rain100l", "dev", "rainy", $"rain-{id}.webp")),
         ImageIO.Read(SharedData.Path("data", "rain100l", "dev", "clean", $"norain-{id}.webp")));

    [SharedDataTheory]
    [MemberData(nameof(KnownYPsnr))]
    public void Y_psnr_of_rainy_vs_clean_matches_known_value(string id, double expected)
    {
        double psnr = MeasuredYPsnr.Value[id];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id}: Y-PSNR {psnr:F4} dB"));
        Assert.InRange(psnr, expected - 0.001, expected + 0.001);
    }

    [SharedDataFact]
    public void Mean_y_psnr_over_the_dev_set_is_26_348()
    {
        double mean = MeasuredYPsnr.Value.Values.Average();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean Y-PSNR {mean:F4} dB over {MeasuredYPsnr.Value.Count} pairs"));
        Assert.Equal(9, MeasuredYPsnr.Value.Count);
        Assert.InRange(mean, 26.348 - 0.001, 26.348 + 0.001);
    }

    [SharedDataFact]
    public void Ssim_of_a_dev_pair_matches_the_naive_reference_and_is_fast()
    {
        // Reference: NaiveSsim, an independent 11x11 window-by-window double loop (numpy/scipy were not available
        // to compute a BasicSR value offline). Compared on a 120x96 crop of a real pair (a strided view, which also
        // exercises non-contiguous input) to keep the slow reference cheap; timed on the whole 481x321 image.
        var (rainy, clean) = Pair("062");
        using (rainy)
        using (clean)
        {
            const int h = 96, w = 120;
            using var rc = rainy[.., .., TensorIndex.Slice(100, 100 + h), TensorIndex.Slice(200, 200 + w)];
            using var cc = clean[.., .., TensorIndex.Slice(100, 100 + h), TensorIndex.Slice(200, 200 + w)];
            using var rcc = rc.contiguous();
            using var ccc = cc.contiguous();
            var rv = rcc.data<float>().ToArray();
            var cv = ccc.data<float>().ToArray();
            double refY = NaiveSsim.Plane(NaiveSsim.LumaOf(rv, h, w), NaiveSsim.LumaOf(cv, h, w));
            double refRgb = 0;
            for (int c = 0; c < 3; c++) refRgb += NaiveSsim.Plane(NaiveSsim.ChannelOf(rv, c, h, w), NaiveSsim.ChannelOf(cv, c, h, w));
            refRgb /= 3;
            double cropY = ImageQuality.Ssim(rc, cc);
            Assert.Equal(refY, cropY, 1e-9);
            Assert.Equal(refRgb, ImageQuality.Ssim(rc, cc, MetricChannel.Rgb), 1e-9);
            Assert.InRange(cropY, 0.3, 0.99);

            double ssimY = ImageQuality.Ssim(rainy, clean); // warm-up and value
            Assert.InRange(ssimY, 0.5, 0.99);
            var sw = Stopwatch.StartNew();
            const int runs = 3;
            for (int i = 0; i < runs; i++) ImageQuality.Ssim(rainy, clean);
            double ssimMs = sw.Elapsed.TotalMilliseconds / runs;
            sw.Restart();
            for (int i = 0; i < runs; i++) ImageQuality.Psnr(rainy, clean);
            double psnrMs = sw.Elapsed.TotalMilliseconds / runs;
            sw.Restart();
            double ssimRgb = ImageQuality.Ssim(rainy, clean, MetricChannel.Rgb);
            double ssimRgbMs = sw.Elapsed.TotalMilliseconds;

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"crop Y-SSIM {cropY:F8} (naive reference {refY:F8}); rain-062 Y-SSIM {ssimY:F6}, RGB-SSIM {ssimRgb:F6}; " +
                $"481x321: Y-SSIM {ssimMs:F1} ms, Y-PSNR {psnrMs:F1} ms, RGB-SSIM {ssimRgbMs:F1} ms"));
            // The times are printed for the record; speed is measured in the benchmarks, never asserted here.
        }
    }
}
