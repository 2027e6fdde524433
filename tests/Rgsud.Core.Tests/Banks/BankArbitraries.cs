using FsCheck;
using FsCheck.Fluent;

namespace Rgsud.Core.Tests.Banks;

/// <summary>FsCheck generators for bank scripts: scores with many ties, non-finite values and arbitrary bit patterns.</summary>
public static class BankArbitraries
{
    private static readonly double[] Interesting =
    [
        -2, -1, -0.5, 0, -0.0, 0.5, 1, 2, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        double.Epsilon, double.MaxValue, double.MinValue, 0.1 + 0.2, 1.0 / 3,
    ];

    /// <summary>Scores: small values (ties), special values and random bit patterns.</summary>
    public static Gen<double> Scores()
    {
        var bits = Gen.Choose(0, 0xFFFF).Four().Select(t =>
            BitConverter.Int64BitsToDouble(((long)t.Item1 << 48) | ((long)t.Item2 << 32) | ((long)t.Item3 << 16) | (long)t.Item4));
        return Gen.Frequency(
            (6, Gen.Elements(Interesting)),
            (3, Gen.Choose(-64, 64).Select(i => i / 8.0)),
            (2, bits));
    }

    /// <summary>The arbitrary of one script step.</summary>
    public static Arbitrary<BankOp> Op()
    {
        var gen =
            from isOffer in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
            from slot in Gen.Choose(0, 3)
            from score in Scores()
            from layout in Gen.Choose(0, 3)
            select new BankOp(isOffer, slot, score, layout);
        return Arb.From(gen);
    }
}
