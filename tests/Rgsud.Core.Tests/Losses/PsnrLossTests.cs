using Rgsud.Abstractions;
using Rgsud.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Losses;

public sealed class PsnrLossTests
{
    [Fact]
    public void Loss_of_a_known_mse_is_ten_log10_of_it()
    {
        var target = GradientCheck.Random([2, 3, 8, 8], seed: 1);
        var prediction = target + 0.1; // MSE 0.01
        double expected = 10 / Math.Log(10) * Math.Log(0.01 + 1e-8);
        Assert.Equal(expected, new PsnrLoss().Forward(prediction, target).item<double>(), 10);
        Assert.Equal(-20.0, new PsnrLoss().Forward(prediction, target).item<double>(), 5);
        Assert.Equal(0.5 * expected, new PsnrLoss(0.5).Forward(prediction, target).item<double>(), 10);
    }

    [Fact]
    public void Per_sample_values_are_averaged_after_the_log()
    {
        var target = torch.zeros(2, 3, 4, 4, dtype: float64);
        var prediction = torch.cat([torch.full([1, 3, 4, 4], 0.1, dtype: float64), torch.full([1, 3, 4, 4], 0.01, dtype: float64)], 0);
        double a = 10 * Math.Log10(0.01 + 1e-8), b = 10 * Math.Log10(1e-4 + 1e-8);
        var none = new PsnrLoss(reduction: LossReduction.None).Forward(prediction, target);
        Assert.Equal(new long[] { 2 }, none.shape);
        Assert.Equal(a, none[0].item<double>(), 10);
        Assert.Equal(b, none[1].item<double>(), 10);
        Assert.Equal((a + b) / 2, new PsnrLoss().Forward(prediction, target).item<double>(), 10);
        Assert.Equal(a + b, new PsnrLoss(reduction: LossReduction.Sum).Forward(prediction, target).item<double>(), 10);
        Assert.Equal((a + 3 * b) / 4, new PsnrLoss().Forward(prediction, target, torch.tensor(new[] { 1.0, 3.0 })).item<double>(), 10);
    }

    [Fact]
    public void To_y_compares_basicsr_luma()
    {
        var target = GradientCheck.Random([1, 3, 8, 8], seed: 2);
        var prediction = target + 0.1;
        // A shift d on R, G and B moves Y by d · 219 / 255.
        double dy = 0.1 * 219.0 / 255.0;
        double expected = 10 * Math.Log10(dy * dy + 1e-8);
        Assert.Equal(expected, new PsnrLoss(toY: true).Forward(prediction, target).item<double>(), 9);
        // Only luma: a change that keeps Y fixed costs nothing.
        var shift = torch.tensor(new[] { 128.553, -65.481, 0.0 }, dtype: float64).reshape(1, 3, 1, 1) * 1e-3;
        Assert.Equal(10 * Math.Log10(1e-8), new PsnrLoss(toY: true).Forward(target + shift, target).item<double>(), 6);
        Assert.Throws<ArgumentException>(() => new PsnrLoss(toY: true).Forward(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 4, 4)));
        Assert.Throws<ArgumentException>(() => new PsnrLoss().Forward(torch.zeros(3, 4, 4), torch.zeros(3, 4, 4)));
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var target = GradientCheck.Random([2, 3, 6, 6], seed: 3);
        var input = GradientCheck.Random([2, 3, 6, 6], seed: 4);
        foreach (var toY in new[] { false, true })
        {
            double rel = GradientCheck.WorstRelativeError(x => new PsnrLoss(toY: toY).Forward(x, target), input);
            Assert.True(rel < 1e-4, $"toY={toY}: worst relative gradient error {rel:G3}");
        }
    }
}
