using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>Synthesised training pairs: a pseudo-rainy input and its clean target, both <c>[N,3,h,w]</c>.</summary>
/// <param name="Rainy">The pseudo-rainy images.</param>
/// <param name="Clean">Their clean targets.</param>
public sealed record PseudoPairs(Tensor Rainy, Tensor Clean);
