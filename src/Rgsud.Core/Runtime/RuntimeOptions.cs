namespace Rgsud.Runtime;

/// <summary>Options for <see cref="RgsudRuntime.Initialize(RuntimeOptions?)"/>.</summary>
public sealed class RuntimeOptions
{
    /// <summary>
    /// The numerics policy. Default <see cref="NumericsPolicy.Auto"/>; the environment variable
    /// <c>RGSUD_NUMERICS</c> (<c>auto</c>, <c>channels-last</c>, <c>safe-isa</c>, <c>disable-onednn</c>,
    /// <c>unchecked</c>) overrides it when set.
    /// </summary>
    public NumericsPolicy Numerics { get; set; } = NumericsPolicy.Auto;

    /// <summary>How many times the self-check is repeated with different random inputs (default 3).</summary>
    public int SelfCheckRepeats { get; set; } = 3;

    /// <summary>
    /// Also give 4-D weights channels-last strides in <see cref="TensorLayout.ApplyPreferred"/> (default false:
    /// channels-last activations suffice, and standard weights serialise everywhere).
    /// </summary>
    public bool ChannelsLastWeights { get; set; }

    /// <summary>Intra-op thread count for libtorch; 0 keeps libtorch's default (one per core).</summary>
    public int Threads { get; set; }
}
