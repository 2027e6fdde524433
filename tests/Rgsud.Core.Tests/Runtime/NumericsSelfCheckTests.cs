using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Runtime;

public sealed class NumericsSelfCheckTests
{
    [Fact]
    public void Runtime_initialises_with_a_passing_self_check_in_channels_last()
    {
        var report = RgsudRuntime.EnsureInitialized();
        Assert.Equal(MemoryLayout.ChannelsLast, report.Layout);
        Assert.NotNull(report.SelfCheck);
        Assert.True(report.SelfCheck!.Passed, report.ToString());
        Assert.True(report.SelfCheck.WorstRelativeError < 1e-5, report.ToString());
    }

    [Fact]
    public void Channels_last_self_check_passes()
    {
        var result = NumericsSelfCheck.Run(MemoryLayout.ChannelsLast, repeats: 5);
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(5, result.Runs);
    }

    [Fact]
    public void Self_check_fails_on_the_known_bad_configuration()
    {
        if (CpuFeatures.HasEmptyCacheTopologyLeaf)
        {
            // The real fault: NCHW convolutions on an AMD CPU with an empty cache-topology leaf (shared/NUMERICS.md).
            var nchw = NumericsSelfCheck.Run(MemoryLayout.Contiguous, repeats: 5);
            Assert.False(nchw.Passed, "the NCHW fault is expected on this CPU: " + nchw);
        }

        // Everywhere: a convolution whose forward is right but whose input gradient is wrong (what oneDNN does
        // on the affected CPUs) must be caught. y = conv(x, w) + (f(x) - f(x).detach()) has conv's value and a
        // gradient perturbed by f's.
        using var noiseGen = new Generator(7);
        using var noise = randn([3, 32, 3, 3], generator: noiseGen) * 0.05;
        Tensor Faulty(Tensor x, Tensor w)
        {
            var y = nn.functional.conv2d(x, w, padding: [1, 1]);
            var f = nn.functional.conv2d(x, noise, padding: [1, 1]);
            return y + (f - f.detach());
        }
        var bad = NumericsSelfCheck.Run(MemoryLayout.ChannelsLast, repeats: 3, convolution: Faulty);
        Assert.False(bad.Passed, bad.ToString());
        Assert.Equal(3, bad.Failures);
        Assert.True(bad.WorstRelativeError > 1e-2, bad.ToString());
    }

    [Fact]
    public void NaN_gradients_count_as_failures()
    {
        Tensor NaNGradient(Tensor x, Tensor w)
        {
            var y = nn.functional.conv2d(x, w, padding: [1, 1]);
            var poison = (x * double.NaN).sum();
            return y + (poison - poison.detach()) * 0; // value unchanged where finite; gradient NaN
        }
        var result = NumericsSelfCheck.Run(MemoryLayout.ChannelsLast, repeats: 2, convolution: NaNGradient);
        Assert.False(result.Passed);
        Assert.False(NumericsSelfCheck.IsWithinTolerance(double.NaN));
    }

    [Fact]
    public void Self_check_does_not_touch_the_global_random_generator()
    {
        torch.manual_seed(123);
        using var expected = torch.rand(4);
        torch.manual_seed(123);
        NumericsSelfCheck.Run(MemoryLayout.ChannelsLast, repeats: 1);
        using var actual = torch.rand(4);
        Assert.True(actual.allclose(expected, 0, 0));
    }
}
