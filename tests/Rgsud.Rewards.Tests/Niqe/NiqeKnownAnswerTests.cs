using System.Diagnostics;
using Rgsud.Imaging;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using Rgsud.Testing;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.Niqe;

public sealed class NiqeKnownAnswerTests(ITestOutputHelper output)
{
    private const double MatlabBaboon = 5.72957338;

    [SharedDataFact]
    public void Baboon_MatchesMatlabR2021a()
    {
        var scorer = new NiqeScorer(NiqeModel.LoadNpz(TestImages.NiqeModelPath));
        using var image = ImageIO.Read(SharedData.Path("niqe", "baboon.png"));
        using var scores = scorer.Score(image);
        double niqe = scores.data<double>()[0];
        output.WriteLine($"NIQE(baboon) = {niqe:F8}; MATLAB R2021a {MatlabBaboon:F8}; error {niqe - MatlabBaboon:+0.00E+00;-0.00E+00}");
        Assert.Equal(ScalarType.Float64, scores.dtype);
        Assert.Equal(new long[] { 1 }, scores.shape);
        Assert.True(Math.Abs(niqe - MatlabBaboon) < 1e-5, $"NIQE(baboon) = {niqe:F8}, expected {MatlabBaboon:F8}");
    }

    [SharedDataFact]
    public void Score_IsDeterministicAndIndependentOfTheBatch()
    {
        var scorer = new NiqeScorer(NiqeModel.LoadNpz(TestImages.NiqeModelPath));
        var pairs = TestImages.DevPairs();
        using var a = ImageIO.Read(pairs[0].Rainy);
        using var b = ImageIO.Read(pairs[0].Clean);
        using var batch = cat([a, b, a], 0);
        using var s1 = scorer.Score(a);
        using var s2 = scorer.Score(a);
        using var sb = scorer.Score(batch);
        var x = sb.data<double>().ToArray();
        Assert.Equal(s1.data<double>()[0], s2.data<double>()[0]);
        Assert.Equal(s1.data<double>()[0], x[0]);
        Assert.Equal(x[0], x[2]);
        Assert.NotEqual(x[0], x[1]);

        // Channels-last and float64 inputs quantise to the same bytes.
        using var cl = a.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        using var f64 = a.to(ScalarType.Float64);
        using var scl = scorer.Score(cl);
        using var s64 = scorer.Score(f64);
        Assert.Equal(x[0], scl.data<double>()[0]);
        Assert.Equal(x[0], s64.data<double>()[0]);
    }

    [SharedDataFact]
    public void Throughput_481x321()
    {
        var model = NiqeModel.LoadNpz(TestImages.NiqeModelPath);
        var single = new NiqeScorer(model, maxDegreeOfParallelism: 1);
        var parallel = new NiqeScorer(model);
        var paths = TestImages.DevPairs().Select(p => p.Rainy).ToList();
        var images = paths.Select(p => ImageIO.Read(p)).Where(t => t.shape[2] == 321 && t.shape[3] == 481).ToList();
        try
        {
            Assert.NotEmpty(images);
            using var batch = cat(images, 0);
            using (single.Score(images[0])) { }
            double bestWall = double.MaxValue, bestCpu = double.MaxValue;
            for (int r = 0; r < 8; r++)
            {
                double cpu0 = ThreadCpu.Milliseconds();
                var sw = Stopwatch.StartNew();
                using (single.Score(images[r % images.Count])) { }
                bestWall = Math.Min(bestWall, sw.Elapsed.TotalMilliseconds);
                bestCpu = Math.Min(bestCpu, ThreadCpu.Milliseconds() - cpu0);
            }
            var swb = Stopwatch.StartNew();
            using (parallel.Score(batch)) { }
            double batchMs = swb.Elapsed.TotalMilliseconds;
            output.WriteLine($"NIQE 481x321, one thread: best wall {bestWall:F1} ms, best thread CPU {bestCpu:F1} ms " +
                $"(≈{1000 / bestCpu:F0} images/s per core); batch of {images.Count} on {Environment.ProcessorCount} cores: " +
                $"{batchMs:F0} ms wall ({images.Count * 1000 / batchMs:F1} images/s); load average {ThreadCpu.LoadAverage()}");
            // A sanity bound that holds on a loaded machine; an idle core takes about 20 ms.
            Assert.True(bestWall < 1000, $"NIQE took {bestWall:F1} ms for one 481x321 image");
        }
        finally
        {
            foreach (var t in images) t.Dispose();
        }
    }
}
