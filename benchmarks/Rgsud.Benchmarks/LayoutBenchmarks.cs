using BenchmarkDotNet.Attributes;
using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// Convolution forward and forward+backward in NCHW and channels-last on the CPU (Rgsud uses channels-last
/// activations: shared/NUMERICS.md). A 64→64 3×3 conv on [4,64,128,128] and the 32→3 output layer of a derainer.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[WarmupCount(2)]
[IterationCount(5)]
public class LayoutBenchmarks
{
    private Conv2d body = null!;
    private Conv2d head = null!;
    private Tensor nchw = null!;
    private Tensor channelsLast = null!;
    private Tensor nchw32 = null!;
    private Tensor channelsLast32 = null!;

    /// <summary>Which layout the input has.</summary>
    [Params("nchw", "channels-last")]
    public string Layout { get; set; } = "nchw";

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        manual_seed(0);
        body = nn.Conv2d(64, 64, 3, padding: 1);
        head = nn.Conv2d(32, 3, 3, padding: 1);
        nchw = randn(4, 64, 128, 128);
        channelsLast = TensorLayout.ToChannelsLast(nchw);
        nchw32 = randn(4, 32, 128, 128);
        channelsLast32 = TensorLayout.ToChannelsLast(nchw32);
    }

    [Benchmark]
    public void Conv64Forward()
    {
        using var noGrad = no_grad();
        using var y = body.call(Layout == "nchw" ? nchw : channelsLast);
    }

    [Benchmark]
    public void Conv32To3ForwardBackward()
    {
        using var scope = NewDisposeScope();
        var x = (Layout == "nchw" ? nchw32 : channelsLast32).detach().requires_grad_(true);
        head.zero_grad();
        head.call(x).square().mean().backward();
    }
}
