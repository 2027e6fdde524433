namespace Rgsud.Runtime;

/// <summary>What <see cref="RgsudRuntime.Initialize(RuntimeOptions?)"/> found and decided.</summary>
/// <param name="TorchVersion">libtorch's version.</param>
/// <param name="Policy">The numerics policy in force.</param>
/// <param name="Layout">The layout Rgsud uses for 4-D tensors.</param>
/// <param name="CpuidCacheLeafFault">True when the CPU is AMD and reports an empty cache-topology leaf 0x8000001D, the trigger of the oneDNN fault.</param>
/// <param name="OneDnnDisabled">True when oneDNN was switched off as a fallback.</param>
/// <param name="SafeIsa">True when <c>ONEDNN_MAX_CPU_ISA=SSE41</c> was set.</param>
/// <param name="SelfCheck">The self-check in the layout in use (null with <see cref="NumericsPolicy.Unchecked"/>).</param>
/// <param name="CudaAvailable">True when a CUDA device can be used.</param>
/// <param name="Threads">libtorch's intra-op thread count.</param>
/// <param name="ChannelsLastWeights">True when <see cref="TensorLayout.ApplyPreferred"/> also converts weights.</param>
public sealed record RuntimeReport(
    string TorchVersion,
    NumericsPolicy Policy,
    MemoryLayout Layout,
    bool CpuidCacheLeafFault,
    bool OneDnnDisabled,
    bool SafeIsa,
    SelfCheckResult? SelfCheck,
    bool CudaAvailable,
    int Threads,
    bool ChannelsLastWeights = false)
{
    /// <summary>A short human-readable summary.</summary>
    public override string ToString() =>
        $"libtorch {TorchVersion}, {Threads} threads, layout {Layout}, policy {Policy}" +
        (CpuidCacheLeafFault ? ", CPUID cache-leaf fault present" : "") +
        (OneDnnDisabled ? ", oneDNN disabled" : "") + (SafeIsa ? ", oneDNN ISA SSE41" : "") +
        (SelfCheck is null ? ", self-check skipped" : $", self-check {SelfCheck}") +
        (CudaAvailable ? ", CUDA available" : "");
}
