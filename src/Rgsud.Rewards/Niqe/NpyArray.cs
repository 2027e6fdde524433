namespace Rgsud.Rewards.Niqe;

/// <summary>A numeric array read from a <c>.npy</c> file, converted to float64 in C (row-major) order.</summary>
/// <param name="Shape">The array's shape (empty for a scalar).</param>
/// <param name="Data">The values in C order.</param>
internal sealed record NpyArray(IReadOnlyList<int> Shape, double[] Data)
{
    /// <summary>The shape as text, e.g. <c>(1, 36)</c>.</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Count == 1 ? ",)" : ")");
}
