using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Methods;

/// <summary>
/// A multi-step learning-rate decay computed from the step number (PyTorch's <c>MultiStepLR</c> without state):
/// <c>lr(step) = base · γ^(number of milestones ≤ step)</c>. Being a function of the step, it needs no saved state.
/// </summary>
internal static class MultiStepSchedule
{
    public static double Rate(double baseRate, IReadOnlyList<long> milestones, double gamma, long step)
    {
        var passed = milestones.Count(m => step >= m);
        return baseRate * Math.Pow(gamma, passed);
    }

    public static void Apply(optim.Optimizer optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }

    public static void Validate(IReadOnlyList<long>? milestones, double gamma, string owner)
    {
        if (milestones is null) throw new RgsudException($"{owner}.Milestones must not be null");
        for (var i = 0; i < milestones.Count; i++)
        {
            if (milestones[i] < 0)
                throw new RgsudException($"{owner}.Milestones[{i}] must not be negative, got {milestones[i]}");
        }
        if (!(gamma > 0 && gamma <= 1))
            throw new RgsudException($"{owner}.LearningRateGamma must be in (0, 1], got {gamma}");
    }
}
