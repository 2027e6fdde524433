using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// NAFNet's SimpleGate: splits the channels of <c>[N, 2C, H, W]</c> into two halves and returns their product
/// <c>[N, C, H, W]</c> (a parameter-free replacement of the activation function).
/// </summary>
public sealed class SimpleGate : Module<Tensor, Tensor>
{
    /// <summary>Creates the gate.</summary>
    public SimpleGate() : base(nameof(SimpleGate))
    {
    }

    /// <summary>Returns <c>x1 · x2</c> where <c>x1, x2 = x.chunk(2, dim: 1)</c>.</summary>
    /// <exception cref="ArgumentException">The channel count of <paramref name="input"/> is odd.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() < 2 || input.shape[1] % 2 != 0)
            throw new ArgumentException($"SimpleGate expects an even number of channels, got shape [{string.Join(", ", input.shape)}]", nameof(input));
        var halves = input.chunk(2, 1);
        try
        {
            return halves[0] * halves[1];
        }
        finally
        {
            foreach (var h in halves) h.Dispose();
        }
    }
}
