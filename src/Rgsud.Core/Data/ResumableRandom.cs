namespace Rgsud.Data;

/// <summary>
/// A small deterministic random generator (SplitMix64) whose whole state is one 64-bit number, so a training
/// run can checkpoint it and a resumed run draws exactly the same crops.
/// </summary>
public sealed class ResumableRandom
{
    /// <summary>Creates a generator from a seed.</summary>
    public ResumableRandom(ulong seed) => State = seed;

    /// <summary>The full state; assign it to restore a generator.</summary>
    public ulong State { get; set; }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        // Lemire's multiply-shift; the tiny bias is irrelevant for crop positions.
        return (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
