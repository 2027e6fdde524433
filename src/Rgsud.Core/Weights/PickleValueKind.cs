namespace Rgsud.Weights;

/// <summary>What an abstract value on the <see cref="PickleScanner"/>'s simulated stack stands for.</summary>
internal enum PickleValueKind
{
    /// <summary>A MARK on the stack.</summary>
    Mark,

    /// <summary>None.</summary>
    None,

    /// <summary>True or False.</summary>
    Bool,

    /// <summary>An integer (<see cref="PickleValue.Integer"/> is null when it does not fit in 64 bits).</summary>
    Int,

    /// <summary>A float.</summary>
    Float,

    /// <summary>A text or byte string read as text.</summary>
    String,

    /// <summary>Bytes or a bytearray.</summary>
    Bytes,

    /// <summary>A tuple.</summary>
    Tuple,

    /// <summary>A list.</summary>
    List,

    /// <summary>A dict, or an <c>collections.OrderedDict</c> instance.</summary>
    Dict,

    /// <summary>A set or frozenset.</summary>
    Set,

    /// <summary>A global (module attribute) that passed the allowlist.</summary>
    Global,

    /// <summary>A tensor storage named by a persistent id.</summary>
    Storage,

    /// <summary>A tensor rebuilt from a storage.</summary>
    Tensor,
}
