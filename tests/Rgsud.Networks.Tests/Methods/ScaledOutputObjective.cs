using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Methods;

/// <summary>An extra objective <c>Scale · mean(Der(O_r))</c> that records what the method handed it.</summary>
internal sealed class ScaledOutputObjective(double scale) : IDerainerObjective
{
    public int Calls { get; private set; }

    public DerainerObjectiveContext? LastContext { get; private set; }

    public DerainerObjectiveTerm Compute(DerainerObjectiveContext context)
    {
        Calls++;
        LastContext = context;
        var derained = context.DerainedRainy ?? context.Derainer.call(context.Batch.Rainy);
        var loss = derained.mean() * scale;
        return new DerainerObjectiveTerm(loss, new Dictionary<string, Tensor> { ["extra"] = loss.detach() });
    }
}
