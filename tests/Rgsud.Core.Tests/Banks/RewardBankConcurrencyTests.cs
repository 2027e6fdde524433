using System.Collections.Concurrent;
using Rgsud.Abstractions;
using Rgsud.Strategy.Banks;
using static Rgsud.Core.Tests.Banks.BankTestSupport;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Several threads offering, reading and saving at once.</summary>
public sealed class RewardBankConcurrencyTests
{
    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void Concurrent_offers_reads_and_saves_keep_the_invariant(BankKind kind)
    {
        const int threads = 4, perThread = 200, idCount = 16, size = 8;
        using var dir = new BankTempDirectory();
        var bank = Create(kind, dir, ScoreDirection.HigherIsBetter, guard: true, cache: 4);
        var ids = Enumerable.Range(0, idCount).Select(i => $"set/{i:D2}.png").ToArray();
        foreach (var id in ids) bank.SetInputScore(id, 0.25);

        // Every offer gets a unique tag; the tag's score and id are recorded before the offer is made.
        var offered = new ConcurrentDictionary<int, (string Id, double Score)>();
        var errors = new ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                var rng = new Random(100 + t);
                for (int k = 0; k < perThread; k++)
                {
                    int tag = t * perThread + k + 1;
                    string id = ids[rng.Next(idCount)];
                    double score = rng.Next(8) == 0 ? double.NaN : Math.Round(rng.NextDouble(), 2);
                    offered[tag] = (id, score);
                    using (var c = FromHwc(TaggedHwc(tag, size, size), size, size)) bank.Offer(id, c, score, tag);

                    string readId = ids[rng.Next(idCount)];
                    using var crop = bank.ReadRewardCrop(readId, new Abstractions.CropBox(0, 0, 2, 2));
                    if (crop is not null)
                    {
                        int seen = Tag(Hwc(crop));
                        Assert.Equal(readId, offered[seen].Id);
                        Assert.True(offered[seen].Score > 0.25);
                    }

                    var slot = bank.GetSlot(readId)!;
                    Assert.True(slot.Score is null || slot.Score > 0.25);
                    if (k % 50 == 0) bank.GetStatistics();
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();

        string saved = dir.Sub("saved");
        var saver = new Thread(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    bank.Save(saved);
                    if (bank is DiskRewardBank disk) disk.Save(disk.DirectoryPath);
                    Thread.Sleep(25);
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        });

        workers.ForEach(w => w.Start());
        saver.Start();
        workers.ForEach(w => w.Join());
        stop.Cancel();
        saver.Join();
        Assert.Empty(errors);

        foreach (var id in ids)
        {
            var best = offered.Values.Where(o => o.Id == id && double.IsFinite(o.Score)).Select(o => o.Score).DefaultIfEmpty(double.NegativeInfinity).Max();
            var slot = bank.GetSlot(id)!;
            if (best <= 0.25)
            {
                Assert.Null(slot.Score);
                continue;
            }

            Assert.Equal(best, slot.Score);
            var bytes = RewardBytes(bank, id)!;
            int tag = Tag(bytes);
            Assert.Equal((id, best), offered[tag]);
            Assert.Equal(tag, slot.Step);
            Assert.Equal(TaggedHwc(tag, size, size), bytes);
        }

        Assert.Equal(threads * perThread, bank.GetStatistics().OffersInLastPass);

        // The last concurrent save is a consistent bank; a final save round-trips exactly.
        var reloaded = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        reloaded.Load(saved);
        foreach (var slot in reloaded.GetSlots())
        {
            if (slot.Score is null) continue;
            int tag = Tag(RewardBytes(reloaded, slot.Id)!);
            Assert.Equal((slot.Id, slot.Score.Value), offered[tag]);
        }

        bank.Save(saved);
        reloaded.Load(saved);
        AssertSameContents(bank, reloaded);
    }
}
