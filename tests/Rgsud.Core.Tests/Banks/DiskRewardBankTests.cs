using Rgsud.Abstractions;
using Rgsud.Strategy.Banks;
using static Rgsud.Core.Tests.Banks.BankTestSupport;

namespace Rgsud.Core.Tests.Banks;

/// <summary>What only the disk bank does: bounded cache, immediate files, resume and crash consistency.</summary>
public sealed class DiskRewardBankTests : IDisposable
{
    private readonly BankTempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void With_a_cache_of_two_and_twenty_slots_reads_are_correct_and_at_most_two_are_decoded()
    {
        var bank = new DiskRewardBank(dir.Sub("bank"), ScoreDirection.LowerIsBetter, cacheCapacity: 2);
        Assert.Equal(2, bank.CacheCapacity);
        for (int i = 0; i < 20; i++)
        {
            using var t = FromHwc(TaggedHwc(i, 9, 7), 9, 7);
            Assert.True(bank.Offer($"img/{i}.png", t, -i, i));
            Assert.True(bank.CachedCount <= 2);
        }

        // Each accepted reward is on disk at once.
        Assert.Equal(20, Directory.GetFiles(Path.Combine(bank.DirectoryPath, "rewards"), "*.png").Length);
        var rng = new Random(5);
        for (int round = 0; round < 60; round++)
        {
            int i = rng.Next(20);
            using var crop = bank.ReadRewardCrop($"img/{i}.png", new CropBox(0, 0, 3, 2))!;
            Assert.Equal(i, Tag(Hwc(crop)));
            Assert.Equal(TaggedHwc(i, 9, 7), RewardBytes(bank, $"img/{i}.png"));
            Assert.True(bank.CachedCount <= 2, $"{bank.CachedCount} decoded rewards cached");
        }

        Assert.Equal(2, bank.CachedCount);
        var none = new DiskRewardBank(dir.Sub("nocache"), ScoreDirection.LowerIsBetter, cacheCapacity: 0);
        using (var t = FromHwc(TaggedHwc(1, 3, 3), 3, 3)) none.Offer("a", t, 0, 0);
        Assert.Equal(TaggedHwc(1, 3, 3), RewardBytes(none, "a"));
        Assert.Equal(0, none.CachedCount);
    }

    [Fact]
    public void Reopening_resumes_the_last_save_and_drops_later_work()
    {
        string path = dir.Sub("bank");
        var bank = new DiskRewardBank(path, ScoreDirection.HigherIsBetter) { ScorerName = "clipiqa" };
        bank.SetInputScore("a", 0);
        using (var t = FromHwc(TaggedHwc(1, 4, 4), 4, 4)) bank.Offer("a", t, 1, 10);
        bank.Save(path);
        var saved = bank.GetSlots();

        // Work after the save: an improvement (new file; the saved one must survive) and a new slot.
        using (var t = FromHwc(TaggedHwc(2, 5, 3), 5, 3)) Assert.True(bank.Offer("a", t, 2, 20));
        using (var t = FromHwc(TaggedHwc(3, 4, 4), 4, 4)) Assert.True(bank.Offer("b", t, 1, 21));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(path, "rewards")).Length);

        // A "crash": the object is abandoned and the directory reopened.
        var resumed = new DiskRewardBank(path, ScoreDirection.HigherIsBetter, cacheCapacity: 0);
        Assert.Equal(saved, resumed.GetSlots());
        Assert.Equal("clipiqa", resumed.ScorerName);
        Assert.Equal(TaggedHwc(1, 4, 4), RewardBytes(resumed, "a"));
        Assert.Single(Directory.GetFiles(Path.Combine(path, "rewards")));

        // Load from its own directory discards unsaved work the same way.
        using (var t = FromHwc(TaggedHwc(4, 4, 4), 4, 4)) Assert.True(resumed.Offer("a", t, 5, 30));
        resumed.Load(path);
        Assert.Equal(saved, resumed.GetSlots());
        Assert.Single(Directory.GetFiles(Path.Combine(path, "rewards")));

        // After a save only the current files remain.
        using (var t = FromHwc(TaggedHwc(5, 4, 4), 4, 4)) Assert.True(resumed.Offer("a", t, 6, 40));
        using (var t = FromHwc(TaggedHwc(6, 4, 4), 4, 4)) Assert.True(resumed.Offer("a", t, 7, 41));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(path, "rewards")).Length);
        resumed.Save(path);
        Assert.Single(Directory.GetFiles(Path.Combine(path, "rewards")));
        Assert.Equal(TaggedHwc(6, 4, 4), RewardBytes(new DiskRewardBank(path, ScoreDirection.HigherIsBetter), "a"));
    }

    [Fact]
    public void Loading_another_bank_copies_its_files_and_leaves_the_saved_manifest_until_the_next_save()
    {
        var source = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        using (var t = FromHwc(TaggedHwc(8, 6, 6), 6, 6)) source.Offer("s", t, 3, 1);
        string exported = dir.Sub("exported");
        source.Save(exported);

        string path = dir.Sub("bank");
        var bank = new DiskRewardBank(path, ScoreDirection.HigherIsBetter);
        using (var t = FromHwc(TaggedHwc(9, 6, 6), 6, 6)) bank.Offer("mine", t, 1, 1);
        bank.Save(path);
        bank.Load(exported);
        Directory.Delete(exported, recursive: true);
        Assert.Equal(TaggedHwc(8, 6, 6), RewardBytes(bank, "s"));
        Assert.Null(bank.GetSlot("mine"));

        // The directory's manifest still describes the previous save until Save is called.
        string manifest = File.ReadAllText(Path.Combine(path, "manifest.json"));
        Assert.Contains("\"mine\"", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("\"s\"", manifest, StringComparison.Ordinal);
        bank.Save(path);
        var after = new DiskRewardBank(path, ScoreDirection.HigherIsBetter);
        Assert.Equal(TaggedHwc(8, 6, 6), RewardBytes(after, "s"));
        Assert.Null(after.GetSlot("mine"));
    }

    [Fact]
    public void A_missing_directory_left_by_an_interrupted_save_is_recovered_on_open()
    {
        var source = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        source.SetInputScore("x", 4);
        string path = dir.Sub("bank");
        source.Save(path + ".tmp-" + Guid.NewGuid().ToString("N"));
        var bank = new DiskRewardBank(path, ScoreDirection.HigherIsBetter);
        Assert.Equal(4, bank.GetSlot("x")!.InputScore);
    }
}
