using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>
/// A no-reference image-quality model that scores derained outputs (the reward of the paper). Implementations
/// must be deterministic for the same input — a reward bank compares scores taken thousands of steps apart —
/// and must not build an autograd graph.
/// </summary>
public interface IRewardScorer
{
    /// <summary>A short name used on the command line and in manifests, e.g. "niqe".</summary>
    string Name { get; }

    /// <summary>Whether higher or lower scores are better.</summary>
    ScoreDirection Direction { get; }

    /// <summary>
    /// Scores a batch <c>[N,3,H,W]</c> of images in [0,1] on any device. Returns a new float64 CPU tensor
    /// <c>[N]</c> owned by the caller.
    /// </summary>
    Tensor Score(Tensor images);
}
