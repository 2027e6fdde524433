using Rgsud.Abstractions;
using Rgsud.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Losses;

public sealed class ElementwiseLossTests
{
    private static (Tensor Prediction, Tensor Target) ConstantDifference(double difference, long[]? shape = null)
    {
        var target = GradientCheck.Random(shape ?? [2, 3, 8, 8], seed: 1);
        return (target + difference, target);
    }

    [Fact]
    public void Mse_of_a_constant_difference_is_its_square_times_the_weight()
    {
        var (p, t) = ConstantDifference(0.25);
        Assert.Equal(0.0625, new MseLoss().Forward(p, t).item<double>(), 12);
        Assert.Equal(0.125, new MseLoss(weight: 2).Forward(p, t).item<double>(), 12);
        Assert.Equal(0.0625 * p.numel(), new MseLoss(reduction: LossReduction.Sum).Forward(p, t).item<double>(), 9);
    }

    [Fact]
    public void L1_of_a_constant_difference_is_its_magnitude()
    {
        var (p, t) = ConstantDifference(-0.25);
        Assert.Equal(0.25, new L1Loss().Forward(p, t).item<double>(), 12);
        Assert.Equal(0.75, new L1Loss(3).Forward(p, t).item<double>(), 12);
    }

    [Fact]
    public void Charbonnier_of_zero_difference_is_eps_and_of_d_is_sqrt_d2_plus_eps2()
    {
        var x = GradientCheck.Random([1, 3, 5, 5], seed: 2);
        Assert.Equal(1e-3, new CharbonnierLoss().Forward(x, x).item<double>(), 15);
        Assert.Equal(0.01, new CharbonnierLoss(eps: 0.01).Forward(x, x).item<double>(), 15);
        var (p, t) = ConstantDifference(0.2);
        Assert.Equal(Math.Sqrt(0.04 + 1e-6), new CharbonnierLoss().Forward(p, t).item<double>(), 12);
    }

    [Fact]
    public void Reduction_none_returns_elementwise_values_times_the_weight()
    {
        var (p, t) = ConstantDifference(0.5, [2, 3, 4, 4]);
        var values = new MseLoss(weight: 4, reduction: LossReduction.None).Forward(p, t);
        Assert.Equal(p.shape, values.shape);
        Assert.True(values.allclose(torch.full_like(values, 1.0), 0, 1e-12));
    }

    [Fact]
    public void Sample_weights_give_the_weighted_mean_of_per_sample_means()
    {
        var target = torch.zeros(2, 3, 4, 4, dtype: float64);
        var prediction = torch.cat([torch.full([1, 3, 4, 4], 0.1, dtype: float64), torch.full([1, 3, 4, 4], 0.3, dtype: float64)], 0);
        var w = torch.tensor(new[] { 1.0, 3.0 });
        // m = [0.01, 0.09]: (1·0.01 + 3·0.09) / 4 = 0.07.
        Assert.Equal(0.07, new MseLoss().Forward(prediction, target, w).item<double>(), 12);
        Assert.Equal(2 * 0.07, new MseLoss(weight: 2).Forward(prediction, target, w).item<double>(), 12);
        Assert.Equal(48 * (0.01 + 0.27), new MseLoss(reduction: LossReduction.Sum).Forward(prediction, target, w).item<double>(), 9);
        var none = new MseLoss(reduction: LossReduction.None).Forward(prediction, target, w);
        Assert.Equal(0.27, none[1, 2, 3, 3].item<double>(), 12);
        Assert.Equal(0.0, new MseLoss().Forward(prediction, target, torch.zeros(2)).item<double>());
    }

    [Fact]
    public void Mismatched_shapes_and_weights_are_rejected_with_the_shapes()
    {
        var a = torch.zeros(2, 3, 4, 4);
        var ex = Assert.Throws<ArgumentException>(() => new L1Loss().Forward(a, torch.zeros(2, 3, 4, 5)));
        Assert.Contains("[2,3,4,4]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2,3,4,5]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new L1Loss().Forward(a, a, torch.ones(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1Loss(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CharbonnierLoss(eps: 0));
    }

    [Fact]
    public void Lsgan_is_the_mse_against_the_real_or_fake_label()
    {
        var d = torch.full([2, 1, 6, 6], 0.3, dtype: float64);
        Assert.Equal(0.49, new LsganLoss().Forward(d, targetIsReal: true).item<double>(), 12);
        Assert.Equal(0.09, new LsganLoss().Forward(d, targetIsReal: false).item<double>(), 12);
        Assert.Equal(0.045, new LsganLoss(weight: 0.5).Forward(d, false).item<double>(), 12);
        Assert.Equal(0.04, new LsganLoss(realLabel: 0.9, fakeLabel: 0.1).Forward(d, false).item<double>(), 12);
        var r = new LsganLoss(reduction: LossReduction.None).Forward(d, true);
        Assert.Equal(d.shape, r.shape);
    }

    [Fact]
    public void Result_is_on_the_input_dtype()
    {
        var (p, t) = ConstantDifference(0.1);
        Assert.Equal(ScalarType.Float64, new CharbonnierLoss().Forward(p, t).dtype);
        Assert.Equal(ScalarType.Float32, new CharbonnierLoss().Forward(p.to(float32), t.to(float32)).dtype);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var target = GradientCheck.Random([2, 3, 6, 6], seed: 3);
        var input = GradientCheck.Random([2, 3, 6, 6], seed: 4);
        var w = torch.tensor(new[] { 0.5, 2.0 }, dtype: float64);
        var cases = new (string Name, Func<Tensor, Tensor> F)[]
        {
            ("l1", x => new L1Loss(0.7).Forward(x, target)),
            ("mse", x => new MseLoss(1.3).Forward(x, target)),
            ("mse weighted", x => new MseLoss().Forward(x, target, w)),
            ("charbonnier", x => new CharbonnierLoss(eps: 1e-2).Forward(x, target)),
            ("charbonnier sum", x => new CharbonnierLoss(reduction: LossReduction.Sum).Forward(x, target, w)),
            ("lsgan real", x => new LsganLoss().Forward(x, true)),
            ("lsgan fake", x => new LsganLoss(2).Forward(x, false, w)),
        };
        foreach (var (name, f) in cases)
        {
            double rel = GradientCheck.WorstRelativeError(f, input);
            Assert.True(rel < 1e-4, $"{name}: worst relative gradient error {rel:G3}");
        }
    }
}
