namespace Rgsud.Core.Tests.Banks;

/// <summary>A fact that runs only when RGSUD_BANK_BENCH=1 (micro-measurements are not tests).</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("RGSUD_BANK_BENCH") != "1") Skip = "set RGSUD_BANK_BENCH=1 to measure";
    }
}
