using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>
/// One training batch of unpaired crops, on the method's device, in Rgsud's layout. Its tensors belong to the
/// dispose scope of the training step that made it.
/// </summary>
/// <param name="Rainy">Real rainy crops <c>O_r</c>, <c>[N,3,h,w]</c> in [0,1].</param>
/// <param name="Clean">Unpaired clean crops <c>B_u</c>, <c>[N,3,h,w]</c> in [0,1].</param>
/// <param name="RainyIds">The bank id of each rainy crop's source image.</param>
/// <param name="RainyBoxes">Where each rainy crop was cut from its source image.</param>
public sealed record UnpairedBatch(Tensor Rainy, Tensor Clean, IReadOnlyList<string> RainyIds, IReadOnlyList<CropBox> RainyBoxes)
{
    /// <summary>Reward crops <c>B_rw</c> aligned with <see cref="Rainy"/> (stage 2), or null. Rows without a reward hold the rainy crop.</summary>
    public Tensor? Rewards { get; init; }

    /// <summary><c>[N]</c> bool: which rows of <see cref="Rewards"/> are real rewards.</summary>
    public Tensor? RewardMask { get; init; }

    /// <summary><c>[N]</c> float: the rewards' scores as higher-is-better utilities (<see cref="ScoreOrdering.Utility"/>).</summary>
    public Tensor? RewardUtilities { get; init; }

    /// <summary>Number of samples.</summary>
    public long Count => Rainy.shape[0];
}
