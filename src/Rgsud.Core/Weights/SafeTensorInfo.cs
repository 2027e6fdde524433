namespace Rgsud.Weights;

/// <summary>One tensor entry of a validated safetensors header.</summary>
/// <param name="Name">The tensor's name (for module weights, the PyTorch state-dict name).</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions; empty for a scalar.</param>
/// <param name="Begin">First byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte, relative to the start of the data section.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorsDType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Size of the tensor's data in bytes (<see cref="End"/> − <see cref="Begin"/>).</summary>
    public long ByteLength => End - Begin;

    /// <summary>Number of elements (product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>The shape as "[a, b, c]".</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
