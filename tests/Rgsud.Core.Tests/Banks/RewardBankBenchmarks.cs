using System.Diagnostics;
using Rgsud.Abstractions;
using TorchSharp;
using Xunit.Abstractions;
using static Rgsud.Core.Tests.Banks.BankTestSupport;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Micro-measurements of Offer and ReadRewardCrop (256² crop of a 481×321 reward).</summary>
public sealed class RewardBankBenchmarks(ITestOutputHelper output) : IDisposable
{
    private readonly BankTempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [BenchFact]
    public void Offer_and_crop_timings()
    {
        Rgsud.Runtime.RgsudRuntime.EnsureInitialized();
        // A smooth image with mild noise (compresses like a photograph) and uniform noise (the worst case for PNG).
        var smooth = new byte[481 * 321 * 3];
        var rr = new Random(1);
        for (int y = 0; y < 321; y++)
        {
            for (int x = 0; x < 481; x++)
            {
                for (int ch = 0; ch < 3; ch++)
                {
                    smooth[(y * 481 + x) * 3 + ch] = (byte)Math.Clamp(128 + 80 * Math.Sin(x / 23.0 + ch) * Math.Cos(y / 17.0) + rr.Next(-6, 7), 0, 255);
                }
            }
        }

        foreach (var (kind, cache, noise) in new[] { (BankKind.Memory, 64, false), (BankKind.Disk, 64, false), (BankKind.Disk, 0, false), (BankKind.Memory, 64, true), (BankKind.Disk, 64, true), (BankKind.Disk, 0, true) })
        {
            var bank = Create(kind, dir, ScoreDirection.HigherIsBetter, guard: false, cache: cache, name: $"bank-{cache}-{noise}");
            using var candidate = noise ? torch.rand(1, 3, 321, 481) : FromHwc(smooth, 481, 321);
            using var channelsLast = Rgsud.Runtime.TensorLayout.ToChannelsLast(candidate);
            const int offers = 30, crops = 200;
            double score = 0;
            for (int i = 0; i < 5; i++) bank.Offer("warm", candidate, ++score, i);

            var sw = Stopwatch.StartNew();
            for (int i = 0; i < offers; i++) bank.Offer("img/0001.png", candidate, ++score, i);
            double accepted = sw.Elapsed.TotalMilliseconds / offers;

            sw.Restart();
            for (int i = 0; i < offers; i++) bank.Offer("img/0001.png", channelsLast, ++score, i);
            double acceptedCl = sw.Elapsed.TotalMilliseconds / offers;

            sw.Restart();
            for (int i = 0; i < offers * 10; i++) bank.Offer("img/0001.png", candidate, -1, i);
            double rejected = sw.Elapsed.TotalMilliseconds / (offers * 10);

            var rng = new Random(1);
            sw.Restart();
            for (int i = 0; i < crops; i++)
            {
                using var crop = bank.ReadRewardCrop("img/0001.png", new CropBox(rng.Next(0, 481 - 256), rng.Next(0, 321 - 256), 256, 256));
            }

            double crop256 = sw.Elapsed.TotalMilliseconds / crops;
            sw.Restart();
            for (int i = 0; i < 20; i++) bank.Save(dir.Sub($"saved-{cache}-{noise}"));
            double save = sw.Elapsed.TotalMilliseconds / 20;
            output.WriteLine($"{(noise ? "noise " : "smooth")} {kind,-6} cache={cache,-3} Offer accepted {accepted,7:F2} ms (channels-last {acceptedCl,6:F2} ms), rejected {rejected * 1000,6:F1} µs, ReadRewardCrop 256² {crop256,6:F3} ms, Save (2 slots) {save,6:F1} ms");
        }
    }
}
