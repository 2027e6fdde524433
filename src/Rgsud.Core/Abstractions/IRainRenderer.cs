using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>
/// A rain-conditioned generator <c>T(clean, rainReference)</c> that renders the rain of a reference onto clean
/// images (CSUD's T). Unpaired methods that have one expose it through <see cref="IUnpairedMethod.RainRenderer"/>.
/// </summary>
public interface IRainRenderer
{
    /// <summary>
    /// Renders rain like <paramref name="rainReference"/> onto <paramref name="clean"/> (both <c>[N,3,H,W]</c>).
    /// Called inside the caller's dispose scope and gradient mode.
    /// </summary>
    Tensor Render(Tensor clean, Tensor rainReference);
}
