using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>The extra derainer loss and its named, already weighted parts (for logs).</summary>
/// <param name="Loss">Scalar to add to the method's derainer loss before its backward pass.</param>
/// <param name="Parts">Named parts of <paramref name="Loss"/> (scalars), e.g. "sr", "pseudo".</param>
public sealed record DerainerObjectiveTerm(Tensor Loss, IReadOnlyDictionary<string, Tensor> Parts);
