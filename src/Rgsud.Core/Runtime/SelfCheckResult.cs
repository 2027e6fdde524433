namespace Rgsud.Runtime;

/// <summary>Outcome of the convolution-gradient self-check in one layout.</summary>
/// <param name="Layout">The layout the check ran in.</param>
/// <param name="Runs">How many random trials ran.</param>
/// <param name="Failures">Trials whose relative error was not below the tolerance (NaN counts as a failure).</param>
/// <param name="WorstRelativeError">max |float32 − float64| / max |float64| over the trials (NaN if any was NaN).</param>
/// <param name="Elapsed">Wall time of the check.</param>
public sealed record SelfCheckResult(MemoryLayout Layout, int Runs, int Failures, double WorstRelativeError, TimeSpan Elapsed)
{
    /// <summary>The relative-error tolerance: a trial passes only when its error is below it.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>True when every trial passed.</summary>
    public bool Passed => Failures == 0;

    /// <summary>One line for logs.</summary>
    public override string ToString() =>
        $"{Layout}: {(Passed ? "passed" : "FAILED")} ({Runs - Failures}/{Runs} trials, worst relative error {WorstRelativeError:G3}, {Elapsed.TotalMilliseconds:F0} ms)";
}
