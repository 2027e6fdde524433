using FsCheck.Xunit;
using Rgsud.Abstractions;
using TorchSharp;
using static Rgsud.Core.Tests.Banks.BankTestSupport;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Algorithm 1 against a reference model written independently in the test.</summary>
public sealed class RewardBankOfferPropertyTests
{
    internal static readonly string[] Ids = ["a.png", "dir/b.png", "dir/sub/c.jpg", "Z"];

    [Property(Arbitrary = [typeof(BankArbitraries)], MaxTest = 80)]
    public void Every_slot_holds_the_best_finite_candidate(BankKind kind, bool higher, bool guard, BankOp[] ops)
    {
        var direction = higher ? ScoreDirection.HigherIsBetter : ScoreDirection.LowerIsBetter;
        using var dir = new BankTempDirectory();
        var bank = Create(kind, dir, direction, guard, cache: 2);
        var model = new Dictionary<string, ModelSlot>(StringComparer.Ordinal);
        int offers = 0, accepted = 0;
        for (int i = 0; i < ops.Length; i++)
        {
            var op = ops[i];
            string id = Ids[op.Slot];
            if (!model.TryGetValue(id, out var slot)) model[id] = slot = new ModelSlot();
            if (!op.IsOffer)
            {
                bank.SetInputScore(id, op.Score);
                slot.Input = op.Score;
                continue;
            }

            // The reference rule, written out: the bar is the held score, else (guard on) a finite input score.
            double? bar = slot.Best is { } best ? best.Score : guard && slot.Input is { } x && double.IsFinite(x) ? x : null;
            bool expected = double.IsFinite(op.Score) && (bar is null || Utility(op.Score, direction) > Utility(bar.Value, direction));
            using var candidate = Candidate(i, op.Layout, out int w, out int h);
            bool got = bank.Offer(id, candidate, op.Score, 1000 + i);
            Assert.Equal(expected, got);
            offers++;
            slot.Offers.Add((i, op.Score));
            if (expected)
            {
                accepted++;
                if (slot.Best is null)
                {
                    slot.FirstAccept = i;
                    slot.InputAtFirstAccept = slot.Input;
                }

                slot.Best = (op.Score, i, w, h);
            }
        }

        var slots = bank.GetSlots();
        Assert.Equal(model.Keys.OrderBy(k => k, StringComparer.Ordinal), slots.Select(s => s.Id));
        foreach (var s in slots)
        {
            var m = model[s.Id];
            Assert.True(SameDouble(m.Input, s.InputScore));
            Assert.Equal(s, bank.GetSlot(s.Id));
            if (m.Best is not { } best)
            {
                Assert.False(s.HasReward);
                Assert.Null(s.Step);
                Assert.Equal(0, s.Width);
                Assert.Null(bank.ReadReward(s.Id));
                Assert.Null(bank.ReadRewardCrop(s.Id, new CropBox(0, 0, 1, 1)));
                continue;
            }

            Assert.True(SameDouble(best.Score, s.Score));
            Assert.Equal(1000 + best.Op, s.Step);
            Assert.Equal((best.Width, best.Height), (s.Width, s.Height));
            var bytes = RewardBytes(bank, s.Id)!;
            Assert.Equal(best.Op, Tag(bytes));
            Assert.Equal(TaggedHwc(best.Op, best.Width, best.Height), bytes);

            // Declarative checks: finite; at least as good as every finite offer since the first acceptance; ties keep
            // the earlier; with the guard, strictly better than the input score in force when the slot was first filled.
            double held = Utility(s.Score!.Value, direction);
            Assert.True(double.IsFinite(s.Score.Value));
            foreach (var (op, score) in m.Offers.Where(o => o.Op >= m.FirstAccept && double.IsFinite(o.Score)))
            {
                double u = Utility(score, direction);
                Assert.True(held >= u, $"held {s.Score} worse than offer {score}");
                if (held == u) Assert.True(best.Op <= op, "a tie replaced the earlier reward");
            }

            if (guard && m.InputAtFirstAccept is { } input && double.IsFinite(input))
            {
                Assert.True(held > Utility(input, direction), $"held {s.Score} does not beat the input score {input}");
            }
        }

        var stats = bank.GetStatistics();
        Assert.Equal(model.Count, stats.Slots);
        Assert.Equal(model.Values.Count(m => m.Best is not null), stats.Filled);
        Assert.Equal(offers, stats.OffersInLastPass);
        Assert.Equal(accepted, stats.AcceptedInLastPass);
    }

    /// <summary>A tagged candidate of a size and layout chosen by the op index and layout code.</summary>
    internal static Tensor Candidate(int tag, int layout, out int width, out int height)
    {
        width = 2 + tag % 3;
        height = 1 + tag % 2;
        using var scope = torch.NewDisposeScope();
        var t = FromHwc(TaggedHwc(tag, width, height), width, height);
        Tensor result = layout switch
        {
            0 => t,
            1 => t[0],
            2 => Rgsud.Runtime.TensorLayout.ToChannelsLast(t.to_type(ScalarType.Float64)),
            _ => t.transpose(2, 3).contiguous().transpose(2, 3),
        };
        return result.MoveToOuterDisposeScope();
    }

    private sealed class ModelSlot
    {
        public double? Input { get; set; }

        public (double Score, int Op, int Width, int Height)? Best { get; set; }

        public int FirstAccept { get; set; }

        public double? InputAtFirstAccept { get; set; }

        public List<(int Op, double Score)> Offers { get; } = [];
    }
}
