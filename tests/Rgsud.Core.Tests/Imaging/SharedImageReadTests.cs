using System.Diagnostics;
using Rgsud.Imaging;
using Rgsud.Testing;
using TorchSharp;
using Xunit.Abstractions;

namespace Rgsud.Core.Tests.Imaging;

public sealed class SharedImageReadTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public void Rain100L_dev_webp_reads_as_481x321_quickly()
    {
        // Rain100L mixes orientations: rain-062 is 481 wide x 321 high (rain-061 is 321 x 481).
        var path = SharedData.Path("data", "rain100l", "dev", "rainy", "rain-062.webp");
        ImageIO.Read(path).Dispose(); // warm-up: JIT, native runtime, decoder tables

        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            using var t = ImageIO.Read(path);
            sw.Stop();
            times.Add(sw.Elapsed.TotalMilliseconds);
            Assert.Equal(new long[] { 1, 3, 321, 481 }, t.shape);
            using var min = t.min();
            using var max = t.max();
            Assert.InRange(min.item<float>(), 0f, 1f);
            Assert.InRange(max.item<float>(), 0f, 1f);
        }

        times.Sort();
        output.WriteLine($"ImageIO.Read 481x321 lossless WebP: median {times[2]:F2} ms (min {times[0]:F2}, max {times[^1]:F2})");
        // Speed is measured in the benchmarks (docs/benchmarks.md), never asserted here.

        var info = ImageIO.Identify(path);
        Assert.Equal(481, info.Width);
        Assert.Equal(321, info.Height);
        Assert.Equal("WEBP", info.Format);

        var portrait = ImageIO.Identify(SharedData.Path("data", "rain100l", "dev", "rainy", "rain-061.webp"));
        Assert.Equal((321, 481), (portrait.Width, portrait.Height));
        using var p = ImageIO.Read(SharedData.Path("data", "rain100l", "dev", "rainy", "rain-061.webp"));
        Assert.Equal(new long[] { 1, 3, 481, 321 }, p.shape);
    }

    [SharedDataFact]
    public void Rain100L_dev_folders_list_nine_pairs()
    {
        var rainy = ImageIO.ListImages(SharedData.Path("data", "rain100l", "dev", "rainy"));
        var clean = ImageIO.ListImages(SharedData.Path("data", "rain100l", "dev", "clean"));
        Assert.Equal(9, rainy.Count);
        Assert.Equal(9, clean.Count);
        Assert.Equal("rain-061.webp", Path.GetFileName(rainy[0]));
        Assert.Equal("norain-070.webp", Path.GetFileName(clean[^1]));
    }
}
