using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>
/// Builds pseudo pairs for stage 2 from rainy crops <c>O_r</c>, their aligned reward crops <c>B_rw</c> (same
/// location) and clean crops <c>B_u</c>: the rain layer <c>O_r − B_rw</c> is put onto <c>B_u</c>, whose clean
/// version is known.
/// </summary>
public interface IPseudoPairSynthesizer
{
    /// <summary>A short name for logs and options.</summary>
    string Name { get; }

    /// <summary>
    /// Synthesises pairs. All tensors are <c>[N,3,h,w]</c> in [0,1]; <paramref name="renderer"/> is the method's
    /// rain renderer when it has one. Runs inside the caller's dispose scope; the result's tensors belong to it.
    /// </summary>
    PseudoPairs Synthesize(Tensor rainy, Tensor rewards, Tensor clean, IRainRenderer? renderer);
}
