using BenchmarkDotNet.Attributes;
using Rgsud.Networks;
using Rgsud.Runtime;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// Forward and forward+backward of each derainer on one square crop (batch 1, channels-last activations, CPU):
/// the cost of a training step's derainer part and of inference.
/// </summary>
public class NetworkBenchmarks
{
    private nn.Module<Tensor, Tensor> network = null!;
    private Tensor input = null!;

    /// <summary>The network (<see cref="DerainerRegistry"/> names; the reference Restormer is left out of the suite: minutes per call here).</summary>
    [Params("nafnet-small", "nafnet", "prenet", "restormer-small")]
    public string Network { get; set; } = "nafnet-small";

    /// <summary>Crop side in pixels.</summary>
    [Params(128, 256)]
    public int Size { get; set; } = 128;

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        manual_seed(0);
        network = DerainerRegistry.Create(Network);
        TensorLayout.ApplyPreferred(network);
        input = TensorLayout.ToPreferred(BenchmarkInputs.Images(1, Size, Size));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        network.Dispose();
        input.Dispose();
    }

    [Benchmark]
    public void Forward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.eval();
        network.call(input);
    }

    [Benchmark]
    public void ForwardBackward()
    {
        using var scope = NewDisposeScope();
        network.train();
        network.zero_grad();
        network.call(input).square().mean().backward();
    }
}
