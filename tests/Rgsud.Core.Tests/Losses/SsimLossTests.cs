using Rgsud.Abstractions;
using Rgsud.Losses;
using Rgsud.Metrics;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Losses;

public sealed class SsimLossTests
{
    private const double C1 = 1e-4, C2 = 9e-4;

    [Theory]
    [InlineData(SsimPadding.Valid)]
    [InlineData(SsimPadding.Same)]
    public void Ssim_of_an_image_with_itself_is_one(SsimPadding padding)
    {
        var x = GradientCheck.Random([2, 3, 16, 20], seed: 1);
        Assert.Equal(1.0, SsimLoss.Ssim(x, x, padding: padding).item<double>(), 12);
        Assert.Equal(0.0, new SsimLoss(padding: padding).Forward(x, x).item<double>(), 12);
        Assert.Equal(0.0, new NegLog10SsimLoss(padding: padding).Forward(x, x).item<double>(), 12);
        var xf = x.to(float32);
        Assert.Equal(1.0, SsimLoss.Ssim(xf, xf, padding: padding).item<float>(), 5);
    }

    [Fact]
    public void Ssim_of_two_constant_images_follows_the_formula()
    {
        // Constant images: μx = a, μy = b, all σ = 0, so SSIM = (2ab + C1) C2 / ((a² + b² + C1) C2).
        foreach (var (a, b) in new[] { (0.2, 0.7), (0.5, 0.5), (0.0, 1.0), (0.9, 0.1) })
        {
            var x = torch.full([1, 3, 12, 14], a, dtype: float64);
            var y = torch.full([1, 3, 12, 14], b, dtype: float64);
            double expected = (2 * a * b + C1) / (a * a + b * b + C1);
            Assert.Equal(expected, SsimLoss.Ssim(x, y).item<double>(), 10);
            Assert.Equal(3 * (1 - expected), new SsimLoss(3).Forward(x, y).item<double>(), 9);
            Assert.Equal(-Math.Log10(Math.Max(expected, NegLog10SsimLoss.MinSsim)), new NegLog10SsimLoss().Forward(x, y).item<double>(), 8);
        }
    }

    [Fact]
    public void Ssim_of_a_hand_computed_structured_pair()
    {
        // x: two constant halves; y = 2x: means 2μ, variances 4σ², covariance 2σ² in every window.
        // An 11×11 image has exactly one valid window; compute it by hand with the same 1-D Gaussian.
        var g = new double[11];
        double total = 0;
        for (int k = 0; k < 11; k++) { g[k] = Math.Exp(-(k - 5) * (k - 5) / 4.5); total += g[k]; }
        for (int k = 0; k < 11; k++) g[k] /= total;
        var x = torch.zeros(1, 1, 11, 11, dtype: float64);
        x[.., .., .., ..5] = 0.2;
        x[.., .., .., 5..] = 0.4;
        var y = 2 * x;
        double mu = 0, m2 = 0;
        for (int k = 0; k < 11; k++) { double v = k < 5 ? 0.2 : 0.4; mu += g[k] * v; m2 += g[k] * v * v; }
        double var = m2 - mu * mu;
        double expected = (2 * mu * 2 * mu + C1) * (2 * 2 * var + C2) / ((mu * mu + 4 * mu * mu + C1) * (var + 4 * var + C2));
        Assert.Equal(expected, SsimLoss.Ssim(x, y).item<double>(), 10);
    }

    [Fact]
    public void Valid_ssim_agrees_with_the_metric_on_8_bit_images()
    {
        using var gen = new Generator(11);
        var a = torch.randint(0, 256, [1, 3, 24, 30], dtype: float64, generator: gen) / 255.0;
        var b = (a + 0.1 * torch.randn([1, 3, 24, 30], dtype: float64, generator: gen)).clamp(0, 1).mul(255).round().div(255);
        double metric = ImageQuality.Ssim(a.to(float32), b.to(float32), MetricChannel.Rgb);
        Assert.Equal(metric, SsimLoss.Ssim(a, b).item<double>(), 9);
    }

    [Fact]
    public void Per_sample_values_reductions_and_weights()
    {
        var x = GradientCheck.Random([3, 3, 16, 16], seed: 2);
        var y = (x + 0.2 * GradientCheck.Random([3, 3, 16, 16], seed: 3)).clamp(0, 1);
        var per = SsimLoss.Ssim(x, y, perSample: true);
        Assert.Equal(new long[] { 3 }, per.shape);
        Assert.Equal(per.mean().item<double>(), SsimLoss.Ssim(x, y).item<double>(), 12);
        for (int n = 0; n < 3; n++)
            Assert.Equal(per[n].item<double>(), SsimLoss.Ssim(x[n..(n + 1)], y[n..(n + 1)]).item<double>(), 12);

        var none = new SsimLoss(2, LossReduction.None).Forward(x, y);
        Assert.True(none.allclose(2 * (1 - per), 0, 1e-12));
        Assert.Equal((3 - per.sum()).item<double>(), new SsimLoss(reduction: LossReduction.Sum).Forward(x, y).item<double>(), 12);

        // −log10: the mean reduction takes the log of the batch-mean SSIM (CSUD); none/sum are per sample.
        Assert.Equal(-Math.Log10(per.mean().item<double>()), new NegLog10SsimLoss().Forward(x, y).item<double>(), 12);
        Assert.True(new NegLog10SsimLoss(reduction: LossReduction.None).Forward(x, y).allclose(-per.log10(), 0, 1e-12));
        var w = torch.tensor(new[] { 1.0, 0.0, 3.0 }, dtype: float64);
        double wm = (per[0].item<double>() + 3 * per[2].item<double>()) / 4;
        Assert.Equal(-Math.Log10(wm), new NegLog10SsimLoss().Forward(x, y, w).item<double>(), 12);
        Assert.Equal(1 - wm, new SsimLoss().Forward(x, y, w).item<double>(), 12);
    }

    [Fact]
    public void Same_padding_differs_only_near_the_border_and_accepts_small_images()
    {
        var x = GradientCheck.Random([1, 3, 8, 9], seed: 4);
        var y = (x * 0.8 + 0.1).clamp(0, 1);
        var s = SsimLoss.Ssim(x, y, padding: SsimPadding.Same).item<double>();
        Assert.InRange(s, -1.0, 1.0);
        var ex = Assert.Throws<ArgumentException>(() => SsimLoss.Ssim(x, y));
        Assert.Contains("[1,3,8,9]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SsimLoss().Forward(x, y));
        Assert.Throws<ArgumentException>(() => SsimLoss.Ssim(x, y[.., .., ..7]));
    }

    [Theory]
    [InlineData(SsimPadding.Valid)]
    [InlineData(SsimPadding.Same)]
    public void Gradients_match_finite_differences(SsimPadding padding)
    {
        var target = GradientCheck.Random([1, 3, 12, 12], seed: 5);
        var input = (target + 0.3 * GradientCheck.Random([1, 3, 12, 12], seed: 6, lo: -1)).clamp(0, 1);
        var cases = new (string Name, Func<Tensor, Tensor> F)[]
        {
            ("ssim", x => SsimLoss.Ssim(x, target, padding: padding)),
            ("ssim loss", x => new SsimLoss(0.7, padding: padding).Forward(x, target)),
            ("ssim loss wrt target side", x => new SsimLoss(padding: padding).Forward(target, x)),
            ("-log10 ssim", x => new NegLog10SsimLoss(padding: padding).Forward(x, target)),
        };
        foreach (var (name, f) in cases)
        {
            double rel = GradientCheck.WorstRelativeError(f, input, points: 40);
            Assert.True(rel < 1e-4, $"{name} ({padding}): worst relative gradient error {rel:G3}");
        }
    }

    [Fact]
    public void Float32_gradients_in_both_layouts_match_float64()
    {
        // The Gaussian filter is a convolution: guard its float32 input gradient in Rgsud's layouts (shared/NUMERICS.md).
        RgsudRuntime.EnsureInitialized();
        var target = GradientCheck.Random([2, 3, 32, 32], seed: 7);
        var input = (target + 0.2 * GradientCheck.Random([2, 3, 32, 32], seed: 8, lo: -1)).clamp(0, 1);
        var reference = Gradient(input, target);
        foreach (var channelsLast in new[] { false, true })
        {
            Tensor Layout(Tensor t) => channelsLast ? TensorLayout.ToChannelsLast(t) : t.contiguous();
            var x = Layout(input.to(float32));
            var t32 = Layout(target.to(float32));
            var value32 = new SsimLoss().Forward(x, t32).item<float>();
            Assert.Equal(new SsimLoss().Forward(input, target).item<double>(), value32, 5);
            var g = Gradient(x, t32);
            double rel = (g.to(float64) - reference).abs().max().item<double>() / reference.abs().max().item<double>();
            Assert.True(rel < 1e-4, $"channels-last={channelsLast}: float32 gradient relative error {rel:G3}");
        }
    }

    private static Tensor Gradient(Tensor input, Tensor target)
    {
        var x = input.detach().clone().requires_grad_(true);
        using (enable_grad()) new SsimLoss().Forward(x, target).backward();
        return x.grad!.detach().contiguous();
    }
}
