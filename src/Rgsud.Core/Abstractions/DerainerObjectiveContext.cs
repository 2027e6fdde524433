using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Abstractions;

/// <summary>What an <see cref="IDerainerObjective"/> gets from the method inside its derainer update.</summary>
/// <param name="Batch">The current batch.</param>
/// <param name="Derainer">The derainer being trained (in training mode, gradients on).</param>
/// <param name="RainRenderer">The method's rain renderer, if it has one.</param>
/// <param name="DerainedRainy">
/// <c>Der(O_r)</c> when the method already computed it with gradients in this step (saves a forward pass), else null.
/// </param>
public sealed record DerainerObjectiveContext(
    UnpairedBatch Batch,
    nn.Module<Tensor, Tensor> Derainer,
    IRainRenderer? RainRenderer,
    Tensor? DerainedRainy);
