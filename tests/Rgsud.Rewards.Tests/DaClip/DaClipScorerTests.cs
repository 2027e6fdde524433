using Rgsud.Abstractions;
using Rgsud.Rewards.DaClip;
using Rgsud.Testing;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.DaClip;

public sealed class DaClipScorerTests
{
    [Fact]
    public void SaveLoad_RandomModel_LoadsStrictly_AndScoresIdentically()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("daclip.safetensors");
        using var images = DaClipTestModels.Images(3, 96, 128);

        using var original = DaClipTestModels.Random(seed: 5);
        original.Save(path);
        using var inMemory = new DaClipScorer(original);
        using var loaded = DaClipScorer.Load(path);

        Assert.Equal("daclip", loaded.Name);
        Assert.Equal(ScoreDirection.HigherIsBetter, loaded.Direction);
        Assert.Equal(DaClipTestModels.Tiny, loaded.Model.Config);
        Assert.Equal(DaClipModel.DefaultDegradations, loaded.DegradationWords);
        var a = original.state_dict();
        var b = loaded.Model.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, t) in a) Assert.True(DaClipTestModels.Same(t, b[name]), name);
        Assert.All(loaded.Model.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(loaded.Model.training);

        using var s1 = inMemory.Score(images);
        using var s2 = loaded.Score(images);
        using var s3 = loaded.Score(images);
        Assert.Equal(ScalarType.Float64, s2.dtype);
        Assert.Equal([3L], s2.shape);
        Assert.Equal(s1.data<double>().ToArray(), s2.data<double>().ToArray());
        Assert.Equal(s2.data<double>().ToArray(), s3.data<double>().ToArray());
        // Different images, different scores (the random model is not constant).
        Assert.Equal(3, s2.data<double>().ToArray().Distinct().Count());
    }

    [Fact]
    public void Probabilities_SumToOne_AndTheRewardIsOneMinusRainy()
    {
        using var scorer = new DaClipScorer(DaClipTestModels.Random(seed: 2), ownsModel: true);
        using var images = DaClipTestModels.Images(2, 100, 150);
        using var scores = scorer.Score(images);
        using var p = scorer.DegradationProbabilities(images);
        Assert.Equal([2L, 10L], p.shape);
        var readouts = scorer.Degradations(images);
        Assert.Equal(2, readouts.Count);
        int rainy = scorer.DegradationWords.ToList().IndexOf("rainy");
        Assert.Equal(6, rainy);
        for (int i = 0; i < 2; i++)
        {
            var r = readouts[i];
            Assert.Equal(1.0, r.Probabilities.Sum(), 12);
            Assert.All(r.Probabilities, v => Assert.InRange(v, 0, 1));
            Assert.Equal(1 - r["rainy"], scores[i].item<double>(), 12);
            Assert.Equal(r["rainy"], p[i, rainy].item<double>());
            Assert.Equal(r.Probabilities.Max(), r[r.MostLikely]);
            Assert.InRange(scores[i].item<double>(), 0, 1);
        }
        Assert.Throws<KeyNotFoundException>(() => readouts[0]["foggy"]);
    }

    [Fact]
    public void RewardDegradation_Raindrop_UsesOneMinusRaindrop()
    {
        using var model = DaClipTestModels.Random(seed: 3);
        using var rainy = new DaClipScorer(model);
        using var raindrop = new DaClipScorer(model, new DaClipOptions { RewardDegradation = DaClipScorer.Raindrop });
        using var images = DaClipTestModels.Images(2, 64, 64);
        var readouts = raindrop.Degradations(images);
        using var s = raindrop.Score(images);
        using var r = rainy.Score(images);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(1 - readouts[i]["raindrop"], s[i].item<double>(), 12);
            Assert.NotEqual(s[i].item<double>(), r[i].item<double>());
        }
        Assert.Contains("'foggy' is not one of the model's words",
            Assert.Throws<RgsudException>(() => new DaClipScorer(model, new DaClipOptions { RewardDegradation = "foggy" })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scores_AreBitIdenticalForTheSameBatch_AndAgreeAcrossBatchSizes()
    {
        using var model = DaClipTestModels.Random(seed: 4);
        using var batched = new DaClipScorer(model, new DaClipOptions { BatchSize = 16 });
        using var chunked = new DaClipScorer(model, new DaClipOptions { BatchSize = 2 });
        using var images = DaClipTestModels.Images(5, 72, 90);
        using var all = batched.Score(images);
        using var again = batched.Score(images);
        using var inChunks = chunked.Score(images);
        var expected = all.data<double>().ToArray();
        Assert.Equal(expected, again.data<double>().ToArray());
        // Another batch size changes the float32 GEMM shapes, so the last bits may differ (docs/weights.md).
        using var probabilities = batched.DegradationProbabilities(images);
        using var chunkProbabilities = chunked.DegradationProbabilities(images);
        Assert.True(probabilities.allclose(chunkProbabilities, rtol: 0, atol: 1e-6));
        for (int i = 0; i < 5; i++)
        {
            using var one = images.narrow(0, i, 1);
            using var single = batched.Score(one);
            Assert.Equal(expected[i], single.item<double>(), 1e-6);
            Assert.Equal(expected[i], inChunks[i].item<double>(), 1e-6);
        }
    }

    [Fact]
    public void Score_AcceptsAnyFloatType_AndRejectsNonBatches()
    {
        using var scorer = new DaClipScorer(DaClipTestModels.Random(seed: 6), ownsModel: true);
        using var images = DaClipTestModels.Images(1, 80, 80);
        using var f64 = images.to(ScalarType.Float64);
        using var a = scorer.Score(images);
        using var b = scorer.Score(f64);
        Assert.Equal(a.item<double>(), b.item<double>());
        using var gray = zeros(1, 1, 32, 32);
        Assert.Throws<ArgumentException>(() => scorer.Score(gray));
        using var bytes = zeros(new long[] { 1, 3, 32, 32 }, ScalarType.Byte);
        Assert.Throws<ArgumentException>(() => scorer.Score(bytes));
        using var none = zeros(0, 3, 32, 32);
        using var empty = scorer.Score(none);
        Assert.Equal([0L], empty.shape);
        scorer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => scorer.Score(images));
    }
}
