using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Runtime;

/// <summary>
/// The guard of shared/NUMERICS.md: 50 training steps of a small conv net that ends in 3 channels (like every
/// derainer), in Rgsud's layout; every parameter gradient must be finite and match a float64 copy of the net
/// (float64 does not go through oneDNN). A libtorch upgrade that breaks or fixes the fault shows up here.
/// </summary>
public sealed class ConvGradientReferenceTests(ITestOutputHelper output)
{
    private static Sequential SmallNet() => nn.Sequential(
        ("conv0", nn.Conv2d(3, 32, 3, padding: 1)), ("act0", nn.SiLU()),
        ("conv1", nn.Conv2d(32, 24, 3, padding: 1)), ("act1", nn.SiLU()),
        ("conv2", nn.Conv2d(24, 3, 3, padding: 1)));

    [Fact]
    public void Fifty_training_steps_have_finite_gradients_that_match_float64()
    {
        RgsudRuntime.EnsureInitialized();
        torch.manual_seed(2026);
        var net32 = SmallNet();
        var net64 = SmallNet().to(float64);
        TensorLayout.ApplyPreferred(net32);
        var opt = optim.SGD(net32.parameters(), 0.05);
        var params32 = net32.named_parameters().ToList();
        var params64 = net64.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double worst = 0;

        for (int step = 0; step < 50; step++)
        {
            using var scope = NewDisposeScope();
            // Keep the float64 copy exactly at the float32 weights so only this step's arithmetic is compared.
            using (no_grad())
                foreach (var (name, p) in params32) params64[name].copy_(p.to(float64));

            var target = torch.rand(2, 3, 24, 24);
            var input = (target + 0.3 * torch.rand(2, 3, 24, 24)).clamp(0, 1);

            opt.zero_grad();
            net64.zero_grad();
            var loss32 = nn.functional.mse_loss(net32.call(TensorLayout.ToPreferred(input)), target);
            loss32.backward();
            var loss64 = nn.functional.mse_loss(net64.call(input.to(float64)), target.to(float64));
            loss64.backward();

            // Every gradient finite and within 1e-4 of float64 (norm-wise relative error, per parameter). The oneDNN
            // fault gives 0.2-0.99 (or NaN). The activations are smooth (SiLU): with ReLU a pre-activation within
            // float32 rounding of 0 can switch a unit off in one precision only, a real but unrelated difference.
            double diff2 = 0, ref2 = 0;
            foreach (var (name, p) in params32)
            {
                var g32 = p.grad ?? throw new InvalidOperationException($"{name} has no gradient");
                var g64 = params64[name].grad!;
                Assert.True(g32.isfinite().all().item<bool>(), $"step {step}: {name} gradient is not finite");
                var d = (g32.to(float64) - g64).norm().item<double>();
                var r = g64.norm().item<double>();
                Assert.True(d < 1e-4 * r, $"step {step}: {name} gradient relative error {d / r:G3} vs float64");
                diff2 += d * d;
                ref2 += r * r;
            }
            var rel = Math.Sqrt(diff2 / ref2);
            Assert.True(rel < 1e-4, $"step {step}: gradient relative error {rel:G3} vs float64");
            worst = Math.Max(worst, rel);
            opt.step();
        }
        output.WriteLine($"worst relative gradient error over 50 steps {worst:G3} ({RgsudRuntime.Report})");
    }
}
