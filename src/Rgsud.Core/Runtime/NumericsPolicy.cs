namespace Rgsud.Runtime;

/// <summary>How <see cref="RgsudRuntime"/> guards against wrong convolution gradients (docs/troubleshooting.md).</summary>
public enum NumericsPolicy
{
    /// <summary>
    /// Channels-last tensors, verified by the self-check; if that fails, oneDNN is switched off and the check is run
    /// again; if nothing passes, training is refused with <see cref="RgsudNumericsException"/>.
    /// </summary>
    Auto,

    /// <summary>Channels-last tensors, verified; no fallback.</summary>
    ChannelsLast,

    /// <summary>
    /// Sets <c>ONEDNN_MAX_CPU_ISA=SSE41</c> in the process environment before the first convolution (GEMM-based
    /// convolutions, 2.7–3.6× slower), then verifies. Must be chosen before any tensor work in the process.
    /// </summary>
    SafeIsa,

    /// <summary>Switches oneDNN off in libtorch (5–6× slower on convolutions), then verifies.</summary>
    DisableOneDnn,

    /// <summary>No self-check and plain NCHW layout. Only for machines known to be unaffected.</summary>
    Unchecked,
}
