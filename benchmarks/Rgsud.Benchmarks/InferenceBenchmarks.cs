using BenchmarkDotNet.Attributes;
using Rgsud.Inference;
using Rgsud.Networks;
using Rgsud.Runtime;
using static TorchSharp.torch;

namespace Rgsud.Benchmarks;

/// <summary>
/// Inference of a whole 481×321 image (Rain100L's size) with each network, and of a 4000×3000 photo in 512-pixel
/// tiles with a 32-pixel blended overlap (the CLI's default above 1 Mpx) with the CPU preset's derainer.
/// </summary>
public class InferenceBenchmarks
{
    private nn.Module<Tensor, Tensor> network = null!;
    private Tensor small = null!;
    private Tensor? large;

    /// <summary>The network; <c>nafnet-small@4000x3000</c> is the tiled case.</summary>
    [Params("nafnet-small", "nafnet", "prenet", "restormer-small", "nafnet-small@4000x3000")]
    public string Case { get; set; } = "nafnet-small";

    [GlobalSetup]
    public void Setup()
    {
        RgsudRuntime.EnsureInitialized();
        manual_seed(0);
        network = DerainerRegistry.Create(Case.Split('@')[0]);
        TensorLayout.ApplyPreferred(network);
        network.eval();
        small = BenchmarkInputs.Images(1, 321, 481);
        if (Case.Contains('@')) large = BenchmarkInputs.Images(1, 3000, 4000);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        network.Dispose();
        small.Dispose();
        large?.Dispose();
    }

    [Benchmark]
    public void Derain()
    {
        using var scope = NewDisposeScope();
        DerainerInference.Derain(network, large ?? small, CPU, TilingOptions.Default);
    }
}
