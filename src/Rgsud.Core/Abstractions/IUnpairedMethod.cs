using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>
/// An unsupervised (unpaired) deraining method: it owns its networks and optimisers and trains its derainer
/// from unpaired rainy and clean crops. The self-reinforcement strategy wraps any implementation.
/// </summary>
public interface IUnpairedMethod : IDisposable
{
    /// <summary>A short name, e.g. "csud".</summary>
    string Name { get; }

    /// <summary>The device the method's networks live on; batches are moved there.</summary>
    Device Device { get; }

    /// <summary>The derainer network <c>Der</c> (any <c>Module&lt;Tensor,Tensor&gt;</c>).</summary>
    nn.Module<Tensor, Tensor> Derainer { get; }

    /// <summary>The method's rain-conditioned generator, or null when it has none.</summary>
    IRainRenderer? RainRenderer { get; }

    /// <summary>
    /// One optimisation step on <paramref name="batch"/>. When <paramref name="extraObjective"/> is given, its
    /// term is added to the derainer loss inside the derainer update. Updates whose loss or gradients are not
    /// finite must be skipped (see <see cref="Training.GuardedOptimizerStep"/>) and counted in the result.
    /// </summary>
    MethodStepResult Step(UnpairedBatch batch, IDerainerObjective? extraObjective, long step);

    /// <summary>Writes networks, optimisers and schedules to <paramref name="directory"/> (which exists and is empty).</summary>
    void SaveState(string directory);

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    void LoadState(string directory);
}
