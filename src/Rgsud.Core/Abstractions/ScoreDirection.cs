namespace Rgsud.Abstractions;

/// <summary>Which way a reward score improves (pyiqa's <c>lower_better</c>).</summary>
public enum ScoreDirection
{
    /// <summary>Larger scores are better (e.g. a probability of "clean").</summary>
    HigherIsBetter,

    /// <summary>Smaller scores are better (e.g. NIQE).</summary>
    LowerIsBetter,
}
