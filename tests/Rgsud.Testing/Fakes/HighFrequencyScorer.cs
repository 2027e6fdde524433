using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>
/// A deterministic test scorer: the mean absolute difference between an image and its 3×3 box blur (rain
/// streaks are high-frequency). Lower is better.
/// </summary>
public sealed class HighFrequencyScorer : IRewardScorer
{
    /// <inheritdoc />
    public string Name => "high-frequency";

    /// <inheritdoc />
    public ScoreDirection Direction => ScoreDirection.LowerIsBetter;

    /// <inheritdoc />
    public Tensor Score(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = images.to(float64).contiguous();
        var blurred = nn.functional.avg_pool2d(nn.functional.pad(x, [1, 1, 1, 1], PaddingModes.Replicate), 3, 1);
        return (x - blurred).abs().mean([1, 2, 3]).to(CPU).MoveToOuterDisposeScope();
    }
}
