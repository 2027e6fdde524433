using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Tests.Scorers;

/// <summary>A scorer returning a fixed function of each image's mean, for ensemble tests.</summary>
internal sealed class FakeScorer(string name, ScoreDirection direction, Func<double, double> map) : IRewardScorer
{
    public string Name => name;

    public ScoreDirection Direction => direction;

    public int Calls { get; private set; }

    public Tensor Score(Tensor images)
    {
        Calls++;
        using var means = images.mean([1, 2, 3]).to(ScalarType.Float64).cpu();
        var s = means.data<double>().ToArray().Select(map).ToArray();
        return tensor(s, new long[] { s.Length }, ScalarType.Float64);
    }

    /// <summary>A batch [n,3,4,4] whose image k has the constant value values[k].</summary>
    public static Tensor Batch(params double[] values) =>
        cat(values.Select(v => full(new long[] { 1, 3, 4, 4 }, v, ScalarType.Float64)).ToArray(), 0);
}
