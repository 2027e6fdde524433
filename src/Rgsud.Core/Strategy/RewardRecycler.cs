using System.Diagnostics;
using Rgsud.Abstractions;
using Rgsud.Data;
using Rgsud.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Strategy;

/// <summary>
/// Stage 1's reward recycling (and stage 2's continued recycling): the derainer, in eval mode without
/// gradients, derains every training rainy image at full resolution (tiled if large), the scorer scores the
/// outputs in batches of equal-sized images, and the bank keeps the better ones.
/// </summary>
public sealed class RewardRecycler
{
    private readonly IRewardScorer scorer;
    private readonly IRewardBank bank;
    private readonly int batchSize;
    private readonly TilingOptions tiling;

    /// <summary>Creates a recycler.</summary>
    public RewardRecycler(IRewardScorer scorer, IRewardBank bank, int batchSize = 4, TilingOptions? tiling = null)
    {
        this.scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        this.bank = bank ?? throw new ArgumentNullException(nameof(bank));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1");
        this.batchSize = batchSize;
        this.tiling = tiling ?? TilingOptions.Default;
    }

    /// <summary>Scores every rainy input once and records it in the bank (the cold-start guard's bar).</summary>
    public void ScoreInputs(IReadOnlyList<DatasetImage> rainy, Device device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rainy);
        foreach (var group in Batches(rainy))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var x = cat(group.Select(i => i.ToFloat()).ToArray(), 0).to(device);
            var scores = ScoreChecked(x, group);
            for (int i = 0; i < group.Count; i++) bank.SetInputScore(group[i].Id, scores[i]);
        }
    }

    /// <summary>One full pass over <paramref name="rainy"/> with <paramref name="derainer"/> at training step <paramref name="step"/>.</summary>
    public RecyclingPassResult Run(nn.Module<Tensor, Tensor> derainer, IReadOnlyList<DatasetImage> rainy, Device device, long step,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(derainer);
        ArgumentNullException.ThrowIfNull(rainy);
        var sw = Stopwatch.StartNew();
        bank.BeginPass();
        int offered = 0, accepted = 0, improved = 0;
        double scoreSum = 0;
        foreach (var group in Batches(rainy))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var x = cat(group.Select(i => i.ToFloat()).ToArray(), 0);
            var y = DerainerInference.Derain(derainer, x, device, tiling);
            var scores = ScoreChecked(y, group);
            for (int i = 0; i < group.Count; i++)
            {
                offered++;
                scoreSum += scores[i];
                if (bank.GetSlot(group[i].Id)?.InputScore is { } input && ScoreOrdering.IsBetter(scores[i], input, bank.Direction)) improved++;
                if (bank.Offer(group[i].Id, y[i], scores[i], step)) accepted++;
            }
        }
        return new RecyclingPassResult(step, offered, accepted, offered == 0 ? double.NaN : scoreSum / offered, sw.Elapsed, improved);
    }

    private double[] ScoreChecked(Tensor images, IReadOnlyList<DatasetImage> group)
    {
        using var scores = scorer.Score(images);
        if (scores.dim() != 1 || scores.shape[0] != group.Count)
            throw new RgsudException($"scorer '{scorer.Name}' returned shape [{string.Join(",", scores.shape)}] for {group.Count} images; expected [{group.Count}]");
        return scores.to(float64).to(CPU).data<double>().ToArray();
    }

    /// <summary>Groups images of equal size into batches of at most the batch size, in id order.</summary>
    private IEnumerable<List<DatasetImage>> Batches(IReadOnlyList<DatasetImage> images)
    {
        foreach (var sameSize in images.GroupBy(i => (i.Height, i.Width)))
        {
            var list = sameSize.ToList();
            for (int i = 0; i < list.Count; i += batchSize)
                yield return list.GetRange(i, Math.Min(batchSize, list.Count - i));
        }
    }
}
