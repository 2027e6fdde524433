using Rgsud.Abstractions;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.Niqe;

public sealed class NiqeScorerTests
{
    /// <summary>A synthetic but valid model: the fitted statistics of synthetic images.</summary>
    private static readonly Lazy<NiqeModel> Model = new(() =>
    {
        var images = Enumerable.Range(0, 3).Select(s => TestImages.Synthetic(192, 192, s)).ToList();
        try
        {
            return NiqeModel.Fit(images, new NiqeFitOptions { SharpnessThreshold = 0 });
        }
        finally
        {
            foreach (var t in images) t.Dispose();
        }
    });

    [Fact]
    public void NameAndDirection()
    {
        var scorer = new NiqeScorer(Model.Value);
        Assert.Equal("niqe", scorer.Name);
        Assert.Equal(ScoreDirection.LowerIsBetter, scorer.Direction);
    }

    [Theory]
    [InlineData(95, 200)]
    [InlineData(200, 95)]
    [InlineData(16, 16)]
    public void TooSmall_ThrowsWithTheMinimum(int h, int w)
    {
        var scorer = new NiqeScorer(Model.Value);
        using var img = TestImages.Synthetic(h, w);
        var ex = Assert.Throws<RgsudException>(() => scorer.Score(img));
        Assert.Equal($"NIQE needs images of at least 96x96 pixels (one 96x96 block), got {w}x{h} (width x height)", ex.Message);
    }

    [Fact]
    public void OneBlock_96x96_GivesAFiniteScore()
    {
        var scorer = new NiqeScorer(Model.Value);
        using var img = TestImages.Synthetic(96, 96);
        using var s = scorer.Score(img);
        Assert.True(double.IsFinite(s.data<double>()[0]));
    }

    [Fact]
    public void ConstantImage_ScoresNaN()
    {
        var scorer = new NiqeScorer(Model.Value);
        using var img = full(new long[] { 1, 3, 192, 192 }, 0.5f);
        using var s = scorer.Score(img);
        Assert.True(double.IsNaN(s.data<double>()[0]));
    }

    [Fact]
    public void WrongShapes_Throw()
    {
        var scorer = new NiqeScorer(Model.Value);
        using var gray = zeros(1, 1, 128, 128);
        using var ints = zeros(new long[] { 1, 3, 128, 128 }, ScalarType.Int32);
        using var three = zeros(3, 128, 128);
        Assert.Throws<ArgumentException>(() => scorer.Score(gray));
        Assert.Throws<ArgumentException>(() => scorer.Score(ints));
        Assert.Throws<ArgumentException>(() => scorer.Score(three));
    }

    [Fact]
    public void ScoreLuma_MatchesScoreOfTheSameLuma()
    {
        var scorer = new NiqeScorer(Model.Value);
        using var img = TestImages.Synthetic(200, 300);
        // A gray image (R = G = B) has Y = round(16 + 219/255 · v).
        using var gray = img[.., ..1].expand(1, 3, 200, 300).contiguous();
        using var s = scorer.Score(gray);
        var g = gray[0, 0].mul(255).round().to(ScalarType.Float64).data<double>().ToArray();
        var luma = new double[200, 300];
        for (int i = 0; i < 200; i++)
            for (int j = 0; j < 300; j++) luma[i, j] = Math.Round(16 + 219.0 / 255 * g[i * 300 + j], MidpointRounding.AwayFromZero);
        Assert.Equal(s.data<double>()[0], scorer.ScoreLuma(luma), 12);
    }

    [Fact]
    public void CropsFromTheTopLeft()
    {
        var scorer = new NiqeScorer(Model.Value);
        using var img = TestImages.Synthetic(192, 288);
        using var bigger = TestImages.Synthetic(250, 300);
        bigger[.., .., ..192, ..288] = img;
        using var a = scorer.Score(img);
        using var b = scorer.Score(bigger);
        Assert.Equal(a.data<double>()[0], b.data<double>()[0]);
    }

    [Fact]
    public void Blur_RaisesNiqe()
    {
        var scorer = new NiqeScorer(Model.Value);
        using var img = TestImages.Synthetic(192, 192, seed: 7);
        using var blurred = nn.functional.avg_pool2d(img, 5, stride: 1, padding: 2, count_include_pad: false);
        using var s = scorer.Score(cat([img, blurred], 0));
        var x = s.data<double>().ToArray();
        Assert.True(x[1] > x[0], $"blurred {x[1]} should score worse (higher) than the original {x[0]}");
    }
}
