using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>
/// The reward bank of the paper (Algorithm 1): one slot per training rainy image, keeping the best-scoring
/// derained output seen so far. A candidate replaces the slot's reward only when it is strictly better
/// (<see cref="ScoreOrdering.IsBetter"/>); with the cold-start guard a slot starts at its input's own score, so
/// nothing worse than the rainy input is ever kept. Rewards are stored on the CPU as 8-bit RGB; reads return
/// float32 in [0,1]. Implementations are safe for concurrent use.
/// </summary>
public interface IRewardBank
{
    /// <summary>The direction of the scores this bank compares.</summary>
    ScoreDirection Direction { get; }

    /// <summary>Records the score of a slot's rainy input (creating the slot); with the guard on it is the bar to beat.</summary>
    void SetInputScore(string id, double inputScore);

    /// <summary>
    /// Offers a candidate reward (<c>[3,H,W]</c> or <c>[1,3,H,W]</c>, [0,1], any device) scored
    /// <paramref name="score"/> at training step <paramref name="step"/>. Returns true when it was kept.
    /// </summary>
    bool Offer(string id, Tensor candidate, double score, long step);

    /// <summary>The slot for <paramref name="id"/>, or null when the bank has never heard of it.</summary>
    RewardSlot? GetSlot(string id);

    /// <summary>All slots, ordered by id.</summary>
    IReadOnlyList<RewardSlot> GetSlots();

    /// <summary>The stored reward as a new float32 CPU tensor <c>[1,3,H,W]</c> in [0,1], or null when the slot holds none.</summary>
    Tensor? ReadReward(string id);

    /// <summary>The part of the stored reward inside <paramref name="box"/> as <c>[1,3,h,w]</c>, or null when the slot holds none.</summary>
    Tensor? ReadRewardCrop(string id, CropBox box);

    /// <summary>Starts a new recycling pass (resets the per-pass offer and acceptance counters).</summary>
    void BeginPass();

    /// <summary>Counts and means for reports.</summary>
    RewardBankStatistics GetStatistics();

    /// <summary>Writes the bank to <paramref name="directory"/> atomically (a reader never sees a half-written bank).</summary>
    void Save(string directory);

    /// <summary>Replaces the bank's contents with those saved in <paramref name="directory"/>.</summary>
    void Load(string directory);
}
