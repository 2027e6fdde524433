using System.Globalization;
using Rgsud.Abstractions;
using Rgsud.Imaging;
using Rgsud.Rewards.Scorers;
using Rgsud.Testing;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.Scorers;

public sealed class RainCriticTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public void TrainedOnTrainSplit_SeparatesDevRainyFromDevClean()
    {
        var critic = TrainedCritic.Critic;
        var s = critic.Summary!;
        output.WriteLine($"trained in {TrainedCritic.Elapsed.TotalSeconds:F1} s wall (reading images included; load average {ThreadCpu.LoadAverage()}); " +
            $"{s.Steps} steps, {s.SkippedSteps} skipped, final loss {s.FinalLoss:F4}; {s.TrainImages} train / {s.CalibrationImages} held-out images; " +
            $"T = {s.Temperature:F4}, held-out log-loss {s.CalibrationLogLoss:F4}, held-out crop accuracy {s.CalibrationAccuracy:F3}");
        foreach (var p in TrainedCritic.Progress)
            output.WriteLine($"  step {p.Step}/{p.TotalSteps}: loss {p.Loss:F4}, accuracy {p.Accuracy:F3}, {p.Elapsed.TotalSeconds:F1} s");

        var pairs = TestImages.DevPairs();
        var rainy = pairs.Select(p => Score(critic, p.Rainy)).ToArray();
        var clean = pairs.Select(p => Score(critic, p.Clean)).ToArray();
        for (int i = 0; i < pairs.Count; i++)
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: P(clean) rainy {1:F4}, clean {2:F4}", pairs[i].Id, rainy[i], clean[i]));
        double auc = Auc(clean, rainy);
        output.WriteLine($"ROC AUC (clean vs rainy, dev) = {auc:F4}");

        Assert.True(auc >= 0.95, $"AUC {auc:F4}");
        Assert.All(rainy.Concat(clean), p => Assert.InRange(p, 0, 1));
        Assert.Equal(500, s.Steps);
        Assert.InRange(s.Temperature, 0.5, 100);
        // No time bound here (speed lives in benchmarks: ScorerBenchmarks); the wall time is in the output above.
    }

    [SharedDataFact]
    public void Score_IsDeterministicAndIndependentOfTheBatch_AndSaveLoadRoundTrips()
    {
        var critic = TrainedCritic.Critic;
        var pairs = TestImages.DevPairs();
        using var a = ImageIO.Read(pairs[0].Rainy);
        using var b = ImageIO.Read(pairs[0].Clean);
        using var batch = cat([a, b], 0);
        using var s1 = critic.Score(a);
        using var s2 = critic.Score(a);
        using var sb = critic.Score(batch);
        Assert.Equal(ScalarType.Float64, sb.dtype);
        Assert.Equal(s1.data<double>()[0], s2.data<double>()[0]);
        Assert.Equal(s1.data<double>()[0], sb.data<double>()[0]);

        using var tmp = new TempFolder();
        var dir = Path.Combine(tmp.Path, "critic");
        critic.Save(dir);
        Assert.True(File.Exists(Path.Combine(dir, RainCritic.WeightsFileName)));
        using var loaded = RainCritic.Load(dir);
        Assert.Equal(critic.Temperature, loaded.Temperature);
        Assert.Equal(critic.Options.Channels, loaded.Options.Channels);
        Assert.Equal(critic.Summary, loaded.Summary);
        using var sl = loaded.Score(batch);
        Assert.Equal(sb.data<double>().ToArray(), sl.data<double>().ToArray());
        Assert.Equal("critic", loaded.Name);
        Assert.Equal(ScoreDirection.HigherIsBetter, loaded.Direction);
    }

    [Fact]
    public void Train_TinySynthetic_IsDeterministic_AndCalibrates()
    {
        // Rainy: bright slanted streaks added to smooth images; clean: the smooth images.
        var clean = Enumerable.Range(0, 4).Select(s => TestImages.Synthetic(64, 64, s)).ToList();
        var rainy = clean.Select(AddStreaks).ToList();
        var options = new RainCriticOptions { Steps = 30, BatchSize = 8, MinCropSize = 32, MaxCropSize = 48, ScoreCropSize = 32, Channels = [8, 16] };
        try
        {
            using var c1 = RainCritic.Train(rainy, clean, options);
            using var c2 = RainCritic.Train(rainy, clean, options);
            Assert.Equal(c1.Temperature, c2.Temperature);
            Assert.Equal(2, c1.Summary!.CalibrationImages); // 20 % of 4 per class, rounded, at least 1
            Assert.Equal(6, c1.Summary.TrainImages);
            using var x = cat(rainy.Concat(clean).ToArray(), 0);
            using var s1 = c1.Score(x);
            using var s2 = c2.Score(x);
            Assert.Equal(s1.data<double>().ToArray(), s2.data<double>().ToArray());

            // No calibration: temperature 1, nothing held out.
            using var c3 = RainCritic.Train(rainy, clean, options with { CalibrationFraction = 0 });
            Assert.Equal(1.0, c3.Temperature);
            Assert.Equal(0, c3.Summary!.CalibrationImages);
            Assert.True(double.IsNaN(c3.Summary.CalibrationLogLoss));
        }
        finally
        {
            foreach (var t in clean.Concat(rainy)) t.Dispose();
        }
    }

    [Fact]
    public void Train_Cancellation_Throws()
    {
        using var img = TestImages.Synthetic(40, 40);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => RainCritic.Train([img], [img], new RainCriticOptions { MinCropSize = 16, MaxCropSize = 16 }, null, cts.Token));
    }

    [Theory]
    [InlineData("Steps", "RainCriticOptions.Steps must be at least 1, got 0")]
    [InlineData("BatchSize", "RainCriticOptions.BatchSize must be an even number of at least 2, got 3")]
    [InlineData("MaxCropSize", "RainCriticOptions.MaxCropSize must be at least MinCropSize (96), got 50")]
    [InlineData("CalibrationFraction", "RainCriticOptions.CalibrationFraction must be in [0, 1), got 1")]
    [InlineData("Channels", "RainCriticOptions.Channels[1] must be at least 1, got 0")]
    public void Options_Validation_IsExact(string option, string message)
    {
        var o = option switch
        {
            "Steps" => new RainCriticOptions { Steps = 0 },
            "BatchSize" => new RainCriticOptions { BatchSize = 3 },
            "MaxCropSize" => new RainCriticOptions { MaxCropSize = 50 },
            "CalibrationFraction" => new RainCriticOptions { CalibrationFraction = 1 },
            _ => new RainCriticOptions { Channels = [4, 0] },
        };
        Assert.Equal(message, Assert.Throws<RgsudException>(o.Validate).Message);
    }

    [Fact]
    public void Train_NoImages_Throws()
    {
        using var img = TestImages.Synthetic(40, 40);
        Assert.Equal("training the rain critic needs at least one rainy image, got none",
            Assert.Throws<RgsudException>(() => RainCritic.Train([], [img])).Message);
    }

    [Fact]
    public void Load_MissingFolder_Throws()
    {
        using var tmp = new TempFolder();
        var ex = Assert.Throws<RgsudFileException>(() => RainCritic.Load(tmp.File("none")));
        Assert.Equal("critic folder not found", ex.Reason);
        ex = Assert.Throws<RgsudFileException>(() => RainCritic.Load(tmp.Path));
        Assert.StartsWith("file not found", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(481, 128, new[] { 0, 118, 235, 353 })]
    [InlineData(321, 128, new[] { 0, 97, 193 })]
    [InlineData(128, 128, new[] { 0 })]
    [InlineData(100, 128, new[] { 0 })]
    [InlineData(256, 128, new[] { 0, 128 })]
    public void GridPositions_CoverTheImageEvenly(int length, int crop, int[] expected) =>
        Assert.Equal(expected, RainCritic.GridPositions(length, crop));

    internal static double Auc(double[] positives, double[] negatives)
    {
        double wins = 0;
        foreach (var p in positives)
            foreach (var n in negatives)
                wins += p > n ? 1 : p == n ? 0.5 : 0;
        return wins / (positives.Length * negatives.Length);
    }

    private static double Score(RainCritic critic, string path)
    {
        using var img = ImageIO.Read(path);
        using var s = critic.Score(img);
        return s.data<double>()[0];
    }

    private static Tensor AddStreaks(Tensor img)
    {
        var x = img.clone();
        int h = (int)x.shape[2], w = (int)x.shape[3];
        for (int start = -h; start < w; start += 7)
            for (int i = 0; i < h; i++)
            {
                int j = start + i / 3;
                if (j >= 0 && j < w) x[.., .., i, j] = x[.., .., i, j].add(0.4).clamp(0, 1);
            }
        return x;
    }
}
