using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Synthesizers;

/// <summary>A fake rain renderer: records copies of its inputs and returns clean + 0.5·reference, through a trainable scale.</summary>
internal sealed class RecordingRenderer : IRainRenderer
{
    public Tensor Scale { get; } = torch.tensor(0.5, dtype: float64).requires_grad_(true);

    public Tensor? Clean { get; private set; }

    public Tensor? Reference { get; private set; }

    public bool? GradEnabled { get; private set; }

    public int Calls { get; private set; }

    public Func<Tensor, Tensor, Tensor>? Override { get; init; }

    public Tensor Render(Tensor clean, Tensor rainReference)
    {
        Calls++;
        Clean = clean.detach().clone().DetachFromDisposeScope();
        Reference = rainReference.detach().clone().DetachFromDisposeScope();
        GradEnabled = torch.is_grad_enabled();
        if (Override is not null) return Override(clean, rainReference);
        return clean + Scale.to(clean.dtype) * rainReference;
    }
}
