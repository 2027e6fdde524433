namespace Rgsud.Abstractions;

/// <summary>What a reward bank knows about one training rainy image.</summary>
/// <param name="Id">Stable id: the image's path relative to the rainy root, with '/' separators.</param>
/// <param name="InputScore">The scorer's score of the rainy input itself, when known.</param>
/// <param name="Score">The score of the stored reward, or null while the slot holds none.</param>
/// <param name="Step">The training step at which the stored reward was found, or null.</param>
/// <param name="Width">Width of the stored reward in pixels (0 while empty).</param>
/// <param name="Height">Height of the stored reward in pixels (0 while empty).</param>
public sealed record RewardSlot(string Id, double? InputScore, double? Score, long? Step, int Width, int Height)
{
    /// <summary>True when the slot holds a reward image.</summary>
    public bool HasReward => Score is not null;
}
