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
    public void ParallelBatch_EqualsOneAtATime_481x321()
    {
        var model = NiqeModel.LoadNpz(TestImages.NiqeModelPath);
        var single = new NiqeScorer(model, maxDegreeOfParallelism: 1);
        var parallel = new NiqeScorer(model);
        var paths = TestImages.DevPairs().Select(p => p.Rainy).ToList();
        var images = paths.Select(p => ImageIO.Read(p)).Where(t => t.shape[2] == 321 && t.shape[3] == 481).ToList();
        try
        {
            Assert.True(images.Count >= 2, $"{images.Count} landscape dev images");
            using var batch = cat(images, 0);
            var one = new double[images.Count];
            double cpu0 = ThreadCpu.Milliseconds();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < images.Count; i++)
            {
                using var s = single.Score(images[i]);
                one[i] = s.data<double>()[0];
            }
            double singleMs = sw.Elapsed.TotalMilliseconds / images.Count, cpuMs = (ThreadCpu.Milliseconds() - cpu0) / images.Count;
            sw.Restart();
            using var scores = parallel.Score(batch);
            double batchMs = sw.Elapsed.TotalMilliseconds;
            // The figures are for the record (the benchmarks measure speed); the scores must not depend on threads.
            output.WriteLine($"NIQE 481x321, one thread: {singleMs:F1} ms wall, {cpuMs:F1} ms thread CPU per image; batch of " +
                $"{images.Count} on {Environment.ProcessorCount} cores: {batchMs:F0} ms wall; load average {ThreadCpu.LoadAverage()}");
            Assert.Equal(one, scores.data<double>().ToArray());
            Assert.All(one, v => Assert.InRange(v, 1.0, 20.0));
        }
        finally
        {
            foreach (var t in images) t.Dispose();
        }
    }
}
