using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Training;

/// <summary>
/// The only way Rgsud's methods apply an update: backward, then check that the loss and every gradient are
/// finite before <c>optimizer.step()</c>. A non-finite update is dropped (gradients zeroed) and reported, so a
/// NaN never reaches the weights.
/// </summary>
public static class GuardedOptimizerStep
{
    /// <summary>
    /// Zeroes gradients, back-propagates <paramref name="loss"/> and steps <paramref name="optimizer"/> when the
    /// loss and all gradients of <paramref name="parameters"/> are finite. Returns false (and leaves the weights
    /// untouched) otherwise.
    /// </summary>
    public static bool TryStep(optim.Optimizer optimizer, Tensor loss, IEnumerable<Parameter> parameters, bool retainGraph = false)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        optimizer.zero_grad();
        if (!IsFinite(loss)) return false;
        loss.backward(retain_graph: retainGraph);
        var list = parameters as IReadOnlyCollection<Parameter> ?? parameters.ToList();
        if (!GradientsFinite(list))
        {
            optimizer.zero_grad();
            return false;
        }
        optimizer.step();
        return true;
    }

    /// <summary>True when every element of <paramref name="t"/> is finite.</summary>
    public static bool IsFinite(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var scope = NewDisposeScope();
        return t.detach().isfinite().all().item<bool>();
    }

    /// <summary>True when every existing gradient of <paramref name="parameters"/> is finite.</summary>
    public static bool GradientsFinite(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = NewDisposeScope();
        Tensor? bad = null;
        foreach (var p in parameters)
        {
            var g = p.grad;
            if (g is null) continue;
            var nonFinite = g.isfinite().logical_not().any();
            bad = bad is null ? nonFinite : bad.logical_or(nonFinite);
        }
        return bad is null || !bad.item<bool>();
    }
}
