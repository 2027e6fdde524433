using static TorchSharp.torch;

namespace Rgsud.Weights;

/// <summary>An abstract value of the <see cref="PickleScanner"/>'s simulated pickle machine: only what validation needs.</summary>
internal sealed class PickleValue
{
    private PickleValue(PickleValueKind kind) => Kind = kind;

    /// <summary>The kind of value.</summary>
    public PickleValueKind Kind { get; private init; }

    /// <summary>The value of an <see cref="PickleValueKind.Int"/> (null when larger than 64 bits) or <see cref="PickleValueKind.Bool"/> (0 or 1).</summary>
    public long? Integer { get; private init; }

    /// <summary>The text of a <see cref="PickleValueKind.String"/>; the storage key of a <see cref="PickleValueKind.Storage"/>.</summary>
    public string? Text { get; private init; }

    /// <summary>"module.name" of a <see cref="PickleValueKind.Global"/>; the class of a <see cref="PickleValueKind.Dict"/> made by a call.</summary>
    public string? QualifiedName { get; private init; }

    /// <summary>Items of a tuple, list or set.</summary>
    public List<PickleValue>? Items { get; private init; }

    /// <summary>Entries of a dict, in insertion order.</summary>
    public List<KeyValuePair<PickleValue, PickleValue>>? Entries { get; private init; }

    /// <summary>Element type of a storage or tensor.</summary>
    public ScalarType DType { get; private init; }

    /// <summary>Elements of a storage.</summary>
    public long Elements { get; private init; }

    /// <summary>Shape of a tensor.</summary>
    public long[]? Shape { get; private init; }

    /// <summary>The shared MARK value.</summary>
    public static PickleValue Mark { get; } = new(PickleValueKind.Mark);

    /// <summary>The shared None value.</summary>
    public static PickleValue NoneValue { get; } = new(PickleValueKind.None);

    /// <summary>A float (its value is not kept).</summary>
    public static PickleValue FloatValue { get; } = new(PickleValueKind.Float);

    /// <summary>Bytes (their content is not kept).</summary>
    public static PickleValue BytesValue { get; } = new(PickleValueKind.Bytes);

    /// <summary>A boolean.</summary>
    public static PickleValue Bool(bool value) => new(PickleValueKind.Bool) { Integer = value ? 1 : 0 };

    /// <summary>An integer; null for one larger than 64 bits.</summary>
    public static PickleValue Int(long? value) => new(PickleValueKind.Int) { Integer = value };

    /// <summary>A string.</summary>
    public static PickleValue Str(string text) => new(PickleValueKind.String) { Text = text };

    /// <summary>A tuple of <paramref name="items"/>.</summary>
    public static PickleValue Tuple(List<PickleValue> items) => new(PickleValueKind.Tuple) { Items = items };

    /// <summary>A new, empty list.</summary>
    public static PickleValue NewList(List<PickleValue>? items = null) => new(PickleValueKind.List) { Items = items ?? [] };

    /// <summary>A new, empty dict of class <paramref name="className"/> (null for a plain dict).</summary>
    public static PickleValue NewDict(string? className = null) => new(PickleValueKind.Dict) { Entries = [], QualifiedName = className };

    /// <summary>A new set.</summary>
    public static PickleValue NewSet(List<PickleValue>? items = null) => new(PickleValueKind.Set) { Items = items ?? [] };

    /// <summary>An allowed global.</summary>
    public static PickleValue Global(string qualifiedName) => new(PickleValueKind.Global) { QualifiedName = qualifiedName };

    /// <summary>A storage of <paramref name="elements"/> elements of <paramref name="dtype"/> in archive entry <paramref name="key"/>.</summary>
    public static PickleValue Storage(string key, ScalarType dtype, long elements) =>
        new(PickleValueKind.Storage) { Text = key, DType = dtype, Elements = elements };

    /// <summary>A tensor of <paramref name="shape"/> and <paramref name="dtype"/>.</summary>
    public static PickleValue Tensor(ScalarType dtype, long[] shape) => new(PickleValueKind.Tensor) { DType = dtype, Shape = shape };

    /// <summary>A short description for error messages.</summary>
    public override string ToString() => Kind switch
    {
        PickleValueKind.String => $"string '{Text}'",
        PickleValueKind.Int => $"integer {Integer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(big)"}",
        PickleValueKind.Global => $"global {QualifiedName}",
        PickleValueKind.Dict when QualifiedName is not null => QualifiedName,
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
