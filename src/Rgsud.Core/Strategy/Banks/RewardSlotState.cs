using Rgsud.Abstractions;

namespace Rgsud.Strategy.Banks;

/// <summary>
/// The mutable state of one slot. Fields are read and written only while holding <see cref="Gate"/> (or the
/// ledger's exclusive lock); detached copies made by <see cref="Clone"/> are not shared.
/// </summary>
internal sealed class RewardSlotState
{
    public RewardSlotState(string id) => Id = id;

    /// <summary>The slot's id.</summary>
    public string Id { get; }

    /// <summary>The lock of this slot.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Score of the rainy input, when known.</summary>
    public double? InputScore { get; set; }

    /// <summary>Score of the stored reward; null while the slot holds none.</summary>
    public double? Score { get; set; }

    /// <summary>Training step of the stored reward.</summary>
    public long? Step { get; set; }

    /// <summary>Width of the stored reward (0 while empty).</summary>
    public int Width { get; set; }

    /// <summary>Height of the stored reward (0 while empty).</summary>
    public int Height { get; set; }

    /// <summary>In-memory bank: the reward's pixels.</summary>
    public RewardImage? Image { get; set; }

    /// <summary>Disk bank: the reward's file name under rewards/.</summary>
    public string? FileName { get; set; }

    /// <summary>Disk bank: lower-case hex SHA-256 of the reward file.</summary>
    public string? Sha256 { get; set; }

    /// <summary>True when the slot holds a reward.</summary>
    public bool HasReward => Score is not null;

    /// <summary>The public snapshot of this slot.</summary>
    public RewardSlot ToSlot() => new(Id, InputScore, Score, Step, Width, Height);

    /// <summary>A detached copy (the pixel array is shared: it is immutable).</summary>
    public RewardSlotState Clone() => new(Id)
    {
        InputScore = InputScore,
        Score = Score,
        Step = Step,
        Width = Width,
        Height = Height,
        Image = Image,
        FileName = FileName,
        Sha256 = Sha256,
    };
}
