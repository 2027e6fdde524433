using Rgsud.Abstractions;
using Rgsud.Core.Tests.Losses;
using Rgsud.Strategy.SelfReinforcementLosses;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.SelfReinforcementLosses;

public sealed class SelfReinforcementLossTests
{
    private static readonly long[] Shape = [4, 3, 6, 6];

    private static Tensor Derained => GradientCheck.Random(Shape, seed: 1);

    private static Tensor Rewards => GradientCheck.Random(Shape, seed: 2);

    private static Tensor Utilities => torch.tensor(new[] { 0.3, -1.2, 2.0, 0.7 }, dtype: float64);

    private static Tensor Mask => torch.tensor(new[] { true, false, true, true });

    /// <summary>Per-sample mean squared error.</summary>
    private static Tensor PerSampleMse(Tensor d, Tensor r) => (d - r).square().flatten(1).mean([1L]);

    public static TheoryData<string> Names => new() { "mse", "charbonnier" };

    private static SelfReinforcementLossBase Make(string name, ScoreWeighting weighting = ScoreWeighting.None, double temperature = 1.0) => name switch
    {
        "mse" => new MseSelfReinforcementLoss(scoreWeighting: weighting, temperature: temperature),
        _ => new CharbonnierSelfReinforcementLoss(eps: 1e-2, scoreWeighting: weighting, temperature: temperature),
    };

    [Fact]
    public void Defaults_and_names()
    {
        ISelfReinforcementLoss mse = new MseSelfReinforcementLoss();
        ISelfReinforcementLoss ch = new CharbonnierSelfReinforcementLoss();
        Assert.Equal("mse", mse.Name);
        Assert.Equal("charbonnier", ch.Name);
        Assert.Equal(0.8, mse.Weight);
        Assert.Equal(0.8, ch.Weight);
        Assert.Equal(1e-3, ((CharbonnierSelfReinforcementLoss)ch).Eps);
        Assert.Equal(ScoreWeighting.None, ((MseSelfReinforcementLoss)mse).ScoreWeighting);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MseSelfReinforcementLoss(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MseSelfReinforcementLoss(temperature: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CharbonnierSelfReinforcementLoss(eps: -1));
    }

    [Fact]
    public void Plain_mse_is_lambda2_times_the_mean_squared_error()
    {
        var d = Derained;
        var r = Rewards;
        double expected = 0.8 * nn.functional.mse_loss(d, r).item<double>();
        Assert.Equal(expected, new MseSelfReinforcementLoss().Compute(d, r).item<double>(), 12);
        Assert.Equal(expected / 0.8 * 0.3, new MseSelfReinforcementLoss(0.3).Compute(d, r).item<double>(), 12);
        // Scores are ignored without weighting; an all-true mask changes nothing.
        Assert.Equal(expected, new MseSelfReinforcementLoss().Compute(d, r, Utilities, torch.ones(4, dtype: ScalarType.Bool)).item<double>(), 12);
    }

    [Fact]
    public void Charbonnier_is_lambda2_times_the_mean_charbonnier_penalty()
    {
        var d = Derained;
        var r = Rewards;
        double expected = 0.5 * ((d - r).square() + 1e-6).sqrt().mean().item<double>();
        Assert.Equal(expected, new CharbonnierSelfReinforcementLoss(0.5).Compute(d, r).item<double>(), 12);
        Assert.Equal(0.8 * 1e-3, new CharbonnierSelfReinforcementLoss().Compute(d, d).item<double>(), 15);
    }

    [Fact]
    public void Mask_averages_over_the_samples_with_a_reward_only()
    {
        var d = Derained;
        var r = Rewards;
        var e = PerSampleMse(d, r);
        double expected = 0.8 * (e[0] + e[2] + e[3]).item<double>() / 3;
        Assert.Equal(expected, new MseSelfReinforcementLoss().Compute(d, r, null, Mask).item<double>(), 12);
        // The mask may come as 0/1 numbers on another device or dtype.
        Assert.Equal(expected, new MseSelfReinforcementLoss().Compute(d, r, null, torch.tensor(new[] { 1f, 0f, 1f, 1f })).item<double>(), 12);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Masked_samples_get_no_gradient_even_when_non_finite(string name)
    {
        var d = Derained;
        d[1] = double.NaN; // a masked sample with garbage output must not poison the loss
        var x = d.requires_grad_(true);
        var loss = Make(name).Compute(x, Rewards, null, Mask);
        Assert.True(double.IsFinite(loss.item<double>()));
        loss.backward();
        Assert.Equal(0.0, x.grad![1].abs().max().item<double>());
        Assert.True(x.grad![0].abs().max().item<double>() > 0);

        var y = Derained.requires_grad_(true);
        Make(name, ScoreWeighting.Softmax).Compute(y, Rewards, Utilities, Mask).backward();
        Assert.Equal(0.0, y.grad![1].abs().max().item<double>());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void No_sample_with_a_reward_gives_a_zero_that_still_has_a_gradient_path(string name)
    {
        foreach (var weighting in new[] { ScoreWeighting.None, ScoreWeighting.Softmax })
        {
            var x = Derained.requires_grad_(true);
            var loss = Make(name, weighting).Compute(x, Rewards, Utilities, torch.zeros(4, dtype: ScalarType.Bool));
            Assert.Equal(0, loss.dim());
            Assert.Equal(0.0, loss.item<double>());
            Assert.True(loss.requires_grad);
            loss.backward();
            Assert.Equal(0.0, x.grad!.abs().max().item<double>());
        }
    }

    [Fact]
    public void Softmax_weighting_uses_normalised_weights_with_mean_one()
    {
        var d = Derained;
        var r = Rewards;
        var e = PerSampleMse(d, r);
        const double T = 0.5;
        var w = (Utilities / T).softmax(0) * 4;
        Assert.Equal(4.0, w.sum().item<double>(), 12);
        double expected = 0.8 * (w * e).sum().item<double>() / 4;
        var loss = new MseSelfReinforcementLoss(scoreWeighting: ScoreWeighting.Softmax, temperature: T);
        Assert.Equal(expected, loss.Compute(d, r, Utilities).item<double>(), 12);

        // With a mask the softmax runs over the masked samples only: 3 weights with mean 1.
        var u = torch.tensor(new[] { 0.3, 2.0, 0.7 }, dtype: float64);
        var wm = (u / T).softmax(0) * 3;
        double expectedMasked = 0.8 * (wm[0] * e[0] + wm[1] * e[2] + wm[2] * e[3]).item<double>() / 3;
        var scores = torch.tensor(new[] { 0.3, double.NaN, 2.0, 0.7 }, dtype: float64); // unmasked score may be anything
        Assert.Equal(expectedMasked, loss.Compute(d, r, scores, Mask).item<double>(), 12);

        // Equal utilities, or a huge temperature, give the plain loss.
        double plain = new MseSelfReinforcementLoss().Compute(d, r).item<double>();
        Assert.Equal(plain, loss.Compute(d, r, torch.full(4, 3.0)).item<double>(), 12);
        Assert.Equal(plain, new MseSelfReinforcementLoss(scoreWeighting: ScoreWeighting.Softmax, temperature: 1e12).Compute(d, r, Utilities).item<double>(), 9);
    }

    [Fact]
    public void Better_rewards_pull_harder_with_softmax_weighting()
    {
        var x = torch.zeros(2, 3, 4, 4, dtype: float64).requires_grad_(true);
        var r = torch.ones(2, 3, 4, 4, dtype: float64);
        new MseSelfReinforcementLoss(scoreWeighting: ScoreWeighting.Softmax).Compute(x, r, torch.tensor(new[] { 0.0, 1.0 })).backward();
        Assert.True(x.grad![1].abs().sum().item<double>() > x.grad![0].abs().sum().item<double>());
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var d = Derained;
        var loss = new MseSelfReinforcementLoss();
        var ex = Assert.Throws<ArgumentException>(() => loss.Compute(d, d[.., .., ..5]));
        Assert.Contains("[4,3,5,6]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => loss.Compute(d, d, torch.zeros(3)));
        Assert.Throws<ArgumentException>(() => loss.Compute(d, d, null, torch.ones(5, dtype: ScalarType.Bool)));
        Assert.Throws<ArgumentException>(() => new MseSelfReinforcementLoss(scoreWeighting: ScoreWeighting.Softmax).Compute(d, d));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradients_match_finite_differences(string name)
    {
        var r = Rewards;
        var input = Derained;
        var cases = new (string Case, ScoreWeighting Weighting, Tensor? Mask)[]
        {
            ("plain", ScoreWeighting.None, null),
            ("masked", ScoreWeighting.None, Mask),
            ("softmax", ScoreWeighting.Softmax, null),
            ("softmax masked", ScoreWeighting.Softmax, Mask),
        };
        foreach (var (label, weighting, mask) in cases)
        {
            var loss = Make(name, weighting, temperature: 0.7);
            double rel = GradientCheck.WorstRelativeError(x => loss.Compute(x, r, Utilities, mask), input, points: 40);
            Assert.True(rel < 1e-4, $"{name} {label}: worst relative gradient error {rel:G3}");
        }
    }

    [Fact]
    public void Rewards_are_constants()
    {
        var r = Rewards.requires_grad_(true);
        new MseSelfReinforcementLoss().Compute(Derained.requires_grad_(true), r).backward();
        Assert.Null(r.grad);
    }
}
