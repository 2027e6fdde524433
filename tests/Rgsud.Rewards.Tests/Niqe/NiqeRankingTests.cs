using System.Globalization;
using Rgsud.Imaging;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using Rgsud.Testing;
using TorchSharp;
using Xunit.Abstractions;

namespace Rgsud.Rewards.Tests.Niqe;

/// <summary>
/// Does NIQE prefer the clean dev image to its rainy twin? Measured (this build, exact to MATLAB): the official model
/// 6/9 pairs (Rain100L's light rain reads as texture to a generic model), a model fitted on train-clean with the
/// official sharpness selection 7/9, and one fitted on every train-clean patch 9/9 with wide margins.
/// </summary>
public sealed class NiqeRankingTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public void DevClean_ScoresBelowDevRainy()
    {
        var scorers = new (string Name, NiqeScorer Scorer)[]
        {
            ("official", new NiqeScorer(NiqeModel.LoadNpz(TestImages.NiqeModelPath))),
            ("fitted 0.75", new NiqeScorer(FittedNiqeModel.Model)),
            ("fitted all", new NiqeScorer(FittedNiqeModel.AllPatches)),
        };
        var pairs = TestImages.DevPairs();
        Assert.Equal(9, pairs.Count);
        var rainy = pairs.Select(p => ImageIO.Read(p.Rainy)).ToList();
        var clean = pairs.Select(p => ImageIO.Read(p.Clean)).ToList();
        try
        {
            // Rain100L mixes landscape and portrait images: score one at a time.
            var results = scorers.Select(s => (Rainy: Scores(s.Scorer, rainy), Clean: Scores(s.Scorer, clean))).ToArray();
            var ci = CultureInfo.InvariantCulture;
            output.WriteLine("pair | " + string.Join(" | ", scorers.Select(s => $"{s.Name} rainy / clean")));
            for (int i = 0; i < pairs.Count; i++)
                output.WriteLine(pairs[i].Id + "  | " + string.Join(" | ", results.Select(r => string.Format(ci, "{0,7:F4} / {1,7:F4}", r.Rainy[i], r.Clean[i]))));
            var wins = results.Select(r => Enumerable.Range(0, pairs.Count).Count(i => r.Clean[i] < r.Rainy[i])).ToArray();
            for (int k = 0; k < scorers.Length; k++)
                output.WriteLine(string.Format(ci, "{0}: clean better (lower) in {1}/9 pairs; mean rainy {2:F4}, mean clean {3:F4}",
                    scorers[k].Name, wins[k], results[k].Rainy.Average(), results[k].Clean.Average()));

            // Every model prefers clean images on average.
            foreach (var r in results) Assert.True(r.Clean.Average() < r.Rainy.Average());
            // Regression guards at the measured values (see the class remarks).
            Assert.True(wins[0] >= 6, $"official model: clean better in {wins[0]}/9 pairs");
            Assert.True(wins[1] >= 7, $"fitted (official selection): clean better in {wins[1]}/9 pairs");
            Assert.True(wins[2] >= 8, $"fitted (all patches): clean better in {wins[2]}/9 pairs");
        }
        finally
        {
            foreach (var t in rainy.Concat(clean)) t.Dispose();
        }
    }

    private static double[] Scores(NiqeScorer scorer, IEnumerable<torch.Tensor> images) =>
        images.Select(t =>
        {
            using var s = scorer.Score(t);
            return s.data<double>()[0];
        }).ToArray();
}
