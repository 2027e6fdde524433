namespace Rgsud.Strategy.Banks;

/// <summary>One slot as recorded in a bank's manifest.json.</summary>
/// <param name="Id">The slot id.</param>
/// <param name="Score">The reward's score, or null when the slot holds none.</param>
/// <param name="InputScore">The input's score, when known (may be non-finite).</param>
/// <param name="Step">The reward's training step, or null.</param>
/// <param name="Width">The reward's width (0 when none).</param>
/// <param name="Height">The reward's height (0 when none).</param>
/// <param name="File">The reward's file name under rewards/, or null.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the reward file, or null.</param>
internal sealed record RewardManifestEntry(
    string Id, double? Score, double? InputScore, long? Step, int Width, int Height, string? File, string? Sha256)
{
    /// <summary>The entry of a slot whose reward is stored in <paramref name="file"/> (null for none).</summary>
    public static RewardManifestEntry From(RewardSlotState slot, string? file, string? sha256) =>
        slot.HasReward
            ? new(slot.Id, slot.Score, slot.InputScore, slot.Step, slot.Width, slot.Height, file, sha256)
            : new(slot.Id, null, slot.InputScore, null, 0, 0, null, null);

    /// <summary>A new slot state with this entry's metadata (no pixels, no file).</summary>
    public RewardSlotState ToState() => new(Id)
    {
        InputScore = InputScore,
        Score = Score,
        Step = Step,
        Width = Width,
        Height = Height,
    };
}
