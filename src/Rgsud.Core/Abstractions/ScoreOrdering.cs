namespace Rgsud.Abstractions;

/// <summary>
/// The one place where "better" is defined for every scorer, bank and ensemble: a score is turned into a
/// utility that is always higher-is-better, and comparisons are strict (no threshold, as in Algorithm 1 of the
/// paper). Non-finite scores are never better than anything.
/// </summary>
public static class ScoreOrdering
{
    /// <summary>The score as a higher-is-better utility (negated for lower-is-better scorers).</summary>
    public static double Utility(double score, ScoreDirection direction) =>
        direction == ScoreDirection.HigherIsBetter ? score : -score;

    /// <summary>
    /// True when <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/>; a missing
    /// incumbent (null) is beaten by any finite candidate.
    /// </summary>
    public static bool IsBetter(double candidate, double? incumbent, ScoreDirection direction)
    {
        if (!double.IsFinite(candidate)) return false;
        if (incumbent is not { } current || !double.IsFinite(current)) return true;
        return Utility(candidate, direction) > Utility(current, direction);
    }
}
