using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>A deterministic test scorer that prefers darker images (rain streaks are bright). Lower is better.</summary>
public sealed class BrightnessScorer : IRewardScorer
{
    /// <inheritdoc />
    public string Name => "brightness";

    /// <inheritdoc />
    public ScoreDirection Direction => ScoreDirection.LowerIsBetter;

    /// <inheritdoc />
    public Tensor Score(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return images.to(float64).mean([1, 2, 3]).to(CPU).MoveToOuterDisposeScope();
    }
}
