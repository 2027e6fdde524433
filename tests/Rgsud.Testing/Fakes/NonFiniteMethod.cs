using Rgsud.Abstractions;
using Rgsud.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>
/// Wraps a method and, for the steps <see cref="IsPoisoned"/> selects, replaces its step with a derainer update
/// whose loss is NaN, made through <see cref="GuardedOptimizerStep"/> like every real method (so it is skipped and
/// counted). The derainer's weights at the first poisoned step are kept in <see cref="WeightsWhenPoisoned"/>.
/// </summary>
public sealed class NonFiniteMethod : IUnpairedMethod
{
    private readonly IUnpairedMethod inner;
    private readonly optim.Optimizer optimizer;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="isPoisoned"/> decides per step.</summary>
    public NonFiniteMethod(IUnpairedMethod inner, Func<long, bool> isPoisoned)
    {
        this.inner = inner;
        IsPoisoned = isPoisoned;
        optimizer = optim.SGD(inner.Derainer.parameters(), 0.1);
    }

    /// <summary>Which steps produce a NaN loss.</summary>
    public Func<long, bool> IsPoisoned { get; }

    /// <summary>The derainer's weights (flattened) just before the first poisoned step.</summary>
    public float[]? WeightsWhenPoisoned { get; private set; }

    /// <summary>Poisoned steps run so far.</summary>
    public int PoisonedSteps { get; private set; }

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public Device Device => inner.Device;

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Derainer => inner.Derainer;

    /// <inheritdoc />
    public IRainRenderer? RainRenderer => inner.RainRenderer;

    /// <inheritdoc />
    public MethodStepResult Step(UnpairedBatch batch, IDerainerObjective? extraObjective, long step)
    {
        if (!IsPoisoned(step)) return inner.Step(batch, extraObjective, step);
        WeightsWhenPoisoned ??= Flatten(inner.Derainer);
        PoisonedSteps++;
        using var scope = NewDisposeScope();
        var loss = Derainer.call(batch.Rainy).mean() * double.NaN;
        bool applied = GuardedOptimizerStep.TryStep(optimizer, loss, Derainer.parameters());
        return new MethodStepResult(new Dictionary<string, double> { ["derainer"] = double.NaN }, applied ? 0 : 1);
    }

    /// <summary>A module's parameters, flattened.</summary>
    public static float[] Flatten(nn.Module module) =>
        module.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();

    /// <inheritdoc />
    public void SaveState(string directory) => inner.SaveState(directory);

    /// <inheritdoc />
    public void LoadState(string directory) => inner.LoadState(directory);

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        inner.Dispose();
    }
}
