namespace Rgsud.Abstractions;

/// <summary>How a loss reduces its element-wise values (BasicSR's contract).</summary>
public enum LossReduction
{
    /// <summary>Mean over all elements.</summary>
    Mean,

    /// <summary>Sum over all elements.</summary>
    Sum,

    /// <summary>No reduction: per-element (or per-sample) values.</summary>
    None,
}
