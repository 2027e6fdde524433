namespace Rgsud.Runtime;

/// <summary>Memory layout of 4-D tensors that Rgsud's networks and batches use.</summary>
public enum MemoryLayout
{
    /// <summary>NHWC strides under the logical NCHW shape (the default on the CPU).</summary>
    ChannelsLast,

    /// <summary>Plain contiguous NCHW.</summary>
    Contiguous,
}
