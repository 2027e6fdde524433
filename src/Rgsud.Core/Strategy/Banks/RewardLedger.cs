using System.Collections.Concurrent;
using System.Diagnostics;
using Rgsud.Abstractions;

namespace Rgsud.Strategy.Banks;

/// <summary>
/// What both reward banks share: the slots' metadata, the acceptance rule of Algorithm 1, the per-pass counters,
/// statistics and the locking. Storage (pixels in memory or PNG files on disk) is supplied by the bank through
/// callbacks.
/// <para>
/// Locking: a bank-wide reader/writer lock plus one lock per slot. Offers, reads and input scores take the bank
/// lock shared and the slot's lock exclusively, so different slots proceed in parallel; Save, Load and
/// <see cref="BeginPass"/> take the bank lock exclusively. The comparison and the replacement of an offer happen
/// under one hold of the slot lock, so they are atomic.
/// </para>
/// </summary>
internal sealed class RewardLedger
{
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private ConcurrentDictionary<string, RewardSlotState> slots = NewMap();
    private int offers;
    private int accepted;

    public RewardLedger(ScoreDirection direction, bool coldStartGuard)
    {
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown score direction.");
        }

        Direction = direction;
        ColdStartGuard = coldStartGuard;
    }

    /// <summary>The direction of the compared scores.</summary>
    public ScoreDirection Direction { get; }

    /// <summary>Whether an empty slot's bar is its input score.</summary>
    public bool ColdStartGuard { get; }

    /// <summary>
    /// The score a candidate must beat: the stored reward's score; for an empty slot the input score when the
    /// guard is on and it is known; else null (any finite candidate wins).
    /// </summary>
    public double? BarFor(RewardSlotState slot) => slot.Score ?? (ColdStartGuard ? slot.InputScore : null);

    /// <summary>Algorithm 1's test: is <paramref name="score"/> strictly better than the slot's bar?</summary>
    public bool Accepts(double score, RewardSlotState slot) => ScoreOrdering.IsBetter(score, BarFor(slot), Direction);

    /// <summary>Records an input score, creating the slot.</summary>
    public void SetInputScore(string id, double inputScore)
    {
        RewardIds.Validate(id);
        gate.EnterReadLock();
        try
        {
            var slot = GetOrAdd(id);
            lock (slot.Gate) slot.InputScore = inputScore;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Offers a candidate. <paramref name="prepare"/> (the expensive conversion) runs only when the candidate
    /// would currently be accepted, outside the slot lock; <paramref name="commit"/> stores it under the slot
    /// lock after the test is repeated. Ties keep the earlier reward.
    /// </summary>
    public bool Offer<T>(string id, double score, long step, int width, int height, Func<T> prepare, Action<RewardSlotState, T> commit)
    {
        RewardIds.Validate(id);
        gate.EnterReadLock();
        try
        {
            var slot = GetOrAdd(id);
            Interlocked.Increment(ref offers);
            if (!double.IsFinite(score)) return false;
            lock (slot.Gate)
            {
                if (!Accepts(score, slot)) return false;
            }

            T prepared = prepare();
            lock (slot.Gate)
            {
                if (!Accepts(score, slot)) return false;
                commit(slot, prepared);
                slot.Score = score;
                slot.Step = step;
                slot.Width = width;
                slot.Height = height;
            }

            Interlocked.Increment(ref accepted);
            return true;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Runs <paramref name="read"/> on the slot under its lock; null when the slot is unknown or empty.</summary>
    public TResult? Read<TResult>(string id, Func<RewardSlotState, TResult> read)
        where TResult : class
    {
        RewardIds.Validate(id);
        gate.EnterReadLock();
        try
        {
            if (!slots.TryGetValue(id, out var slot)) return null;
            lock (slot.Gate)
            {
                return slot.HasReward ? read(slot) : null;
            }
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>The slot's snapshot or null.</summary>
    public RewardSlot? GetSlot(string id)
    {
        RewardIds.Validate(id);
        gate.EnterReadLock();
        try
        {
            if (!slots.TryGetValue(id, out var slot)) return null;
            lock (slot.Gate) return slot.ToSlot();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>All slots' snapshots, ordered by id (ordinal).</summary>
    public IReadOnlyList<RewardSlot> GetSlots()
    {
        gate.EnterReadLock();
        try
        {
            var list = new List<RewardSlot>(slots.Count);
            foreach (var slot in slots.Values)
            {
                lock (slot.Gate) list.Add(slot.ToSlot());
            }

            list.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            return list;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Resets the per-pass counters.</summary>
    public void BeginPass()
    {
        gate.EnterWriteLock();
        try
        {
            offers = 0;
            accepted = 0;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// Counts and means. <see cref="RewardBankStatistics.MeanInputScore"/> averages the finite input scores
    /// (a non-finite input score sets no bar and is left out).
    /// </summary>
    public RewardBankStatistics GetStatistics()
    {
        gate.EnterReadLock();
        try
        {
            int count = 0, filled = 0, inputs = 0;
            double scoreSum = 0, inputSum = 0;
            foreach (var slot in slots.Values)
            {
                lock (slot.Gate)
                {
                    count++;
                    if (slot.Score is { } s)
                    {
                        filled++;
                        scoreSum += s;
                    }

                    if (slot.InputScore is { } x && double.IsFinite(x))
                    {
                        inputs++;
                        inputSum += x;
                    }
                }
            }

            return new RewardBankStatistics(
                count,
                filled,
                filled == 0 ? double.NaN : scoreSum / filled,
                inputs == 0 ? double.NaN : inputSum / inputs,
                Volatile.Read(ref offers),
                Volatile.Read(ref accepted));
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Runs <paramref name="action"/> holding the bank lock exclusively (no offer or read in flight).</summary>
    public void Exclusive(Action action)
    {
        gate.EnterWriteLock();
        try
        {
            action();
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Detached copies of all slots, ordered by id, taken while holding the bank lock exclusively.</summary>
    public List<RewardSlotState> Snapshot()
    {
        List<RewardSlotState>? copy = null;
        Exclusive(() => copy = LiveSlots().ConvertAll(static s => s.Clone()));
        return copy!;
    }

    /// <summary>The live slot states, ordered by id. Only inside <see cref="Exclusive"/>.</summary>
    public List<RewardSlotState> LiveSlots()
    {
        Debug.Assert(gate.IsWriteLockHeld, "LiveSlots needs the exclusive lock.");
        var list = new List<RewardSlotState>(slots.Values);
        list.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return list;
    }

    /// <summary>Replaces every slot and resets the per-pass counters. Only inside <see cref="Exclusive"/>.</summary>
    public void Replace(IEnumerable<RewardSlotState> newSlots)
    {
        Debug.Assert(gate.IsWriteLockHeld, "Replace needs the exclusive lock.");
        var map = NewMap();
        foreach (var slot in newSlots)
        {
            if (!map.TryAdd(slot.Id, slot)) throw new InvalidOperationException($"Duplicate slot id {RewardIds.Describe(slot.Id)}.");
        }

        slots = map;
        offers = 0;
        accepted = 0;
    }

    private RewardSlotState GetOrAdd(string id) =>
        slots.TryGetValue(id, out var slot) ? slot : slots.GetOrAdd(id, static key => new RewardSlotState(key));

    private static ConcurrentDictionary<string, RewardSlotState> NewMap() => new(StringComparer.Ordinal);
}
