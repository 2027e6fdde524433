using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>
/// A test scorer that ignores the pixels: the first <c>before</c> images it scores get <paramref name="early"/>,
/// every later one <paramref name="late"/>. Lower is better. With the trainer scoring the rainy inputs first, it
/// decides exactly which recycling passes find outputs better than their inputs.
/// </summary>
/// <param name="before">Images scored with <paramref name="early"/>.</param>
/// <param name="early">The score of the first <paramref name="before"/> images.</param>
/// <param name="late">The score of every later image.</param>
public sealed class ScriptedScorer(int before, double early, double late) : IRewardScorer
{
    private int scored;

    /// <inheritdoc />
    public string Name => "scripted";

    /// <inheritdoc />
    public ScoreDirection Direction => ScoreDirection.LowerIsBetter;

    /// <inheritdoc />
    public Tensor Score(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        int n = checked((int)images.shape[0]);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = scored++ < before ? early : late;
        return tensor(values, float64);
    }
}
