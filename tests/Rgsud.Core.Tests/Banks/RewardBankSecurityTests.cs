using System.Text.Json.Nodes;
using Rgsud.Abstractions;
using Rgsud.Strategy.Banks;
using static Rgsud.Core.Tests.Banks.BankTestSupport;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Ids and manifests cannot make a bank read or write outside its directory.</summary>
public sealed class RewardBankSecurityTests : IDisposable
{
    public static readonly TheoryData<string> BadIds = new()
    {
        "", "../../x", "/etc/passwd", "a/../../b", "a\\b", "..", ".", "a/./b", "a//b", "a/", "C:x", "C:/x",
        "a\0b", "a\nb", "tab\there", "\u007f", new string('x', 1025),
    };

    private readonly BankTempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [MemberData(nameof(BadIds))]
    public void Invalid_ids_are_rejected_everywhere(string id)
    {
        foreach (var kind in new[] { BankKind.Memory, BankKind.Disk })
        {
            var bank = Create(kind, dir, ScoreDirection.HigherIsBetter);
            using var t = FromHwc(TaggedHwc(1, 2, 2), 2, 2);
            var e = Assert.Throws<ArgumentException>(() => bank.Offer(id, t, 1, 0));
            Assert.Equal("id", e.ParamName);
            Assert.Contains("Invalid reward bank id", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => bank.SetInputScore(id, 1));
            Assert.Throws<ArgumentException>(() => bank.GetSlot(id));
            Assert.Throws<ArgumentException>(() => bank.ReadReward(id));
            Assert.Throws<ArgumentException>(() => bank.ReadRewardCrop(id, new CropBox(0, 0, 1, 1)));
            Assert.Empty(bank.GetSlots());
        }

        // Nothing was written outside the disk bank's own folder.
        Assert.Equal(["bank"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "bank", "rewards")));
    }

    [Fact]
    public void An_id_with_an_unpaired_surrogate_is_rejected()
    {
        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        var e = Assert.Throws<ArgumentException>(() => bank.SetInputScore("bad\ud800surrogate", 1));
        Assert.Contains("surrogate", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => bank.SetInputScore("x\udc00", 1));
        bank.SetInputScore("ok\ud83d\ude00.png", 1);
    }

    [Theory]
    [InlineData("a.png")]
    [InlineData("dir/sub/image 01 (copy).JPG")]
    [InlineData("ünïcödé/画像.png")]
    [InlineData(".hidden/..dots/...")]
    public void Unusual_but_valid_ids_work_and_stay_inside_the_bank(string id)
    {
        foreach (var kind in new[] { BankKind.Memory, BankKind.Disk })
        {
            var bank = Create(kind, dir, ScoreDirection.HigherIsBetter, name: "bank-" + kind);
            using var t = FromHwc(TaggedHwc(3, 2, 2), 2, 2);
            Assert.True(bank.Offer(id, t, 1, 0));
            string saved = dir.Sub("saved-" + kind);
            bank.Save(saved);
            var files = Directory.GetFiles(Path.Combine(saved, "rewards"));
            Assert.Single(files);
            Assert.DoesNotContain('/', Path.GetFileName(files[0]));
            var loaded = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
            loaded.Load(saved);
            Assert.Equal(id, Assert.Single(loaded.GetSlots()).Id);
        }
    }

    [Theory]
    [InlineData("file", "../../evil.png")]
    [InlineData("file", "../evil.png")]
    [InlineData("file", "/tmp/evil.png")]
    [InlineData("file", "sub/evil.png")]
    [InlineData("file", "..\\evil.png")]
    [InlineData("file", "evil.txt")]
    [InlineData("id", "a/../../b")]
    [InlineData("id", "../x")]
    [InlineData("id", "/etc/passwd")]
    public void A_crafted_manifest_is_rejected_without_touching_anything_outside(string field, string value)
    {
        // A real bank with one reward, then the manifest is edited to point elsewhere.
        string root = dir.Sub("outer");
        string bankDir = Path.Combine(root, "inner", "bank");
        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        using (var t = FromHwc(TaggedHwc(7, 3, 3), 3, 3)) bank.Offer("ok.png", t, 1, 0);
        bank.Save(bankDir);
        string reward = Directory.GetFiles(Path.Combine(bankDir, "rewards")).Single();

        // The "evil" targets exist and are valid PNGs with the right hash, so only validation can stop them.
        byte[] png = File.ReadAllBytes(reward);
        File.WriteAllBytes(Path.Combine(root, "evil.png"), png);
        File.WriteAllBytes(Path.Combine(root, "inner", "evil.png"), png);
        var outside = Snapshot(root, bankDir);

        string manifestPath = Path.Combine(bankDir, "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        json["entries"]![0]![field] = value;
        File.WriteAllText(manifestPath, json.ToJsonString());

        var target = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        target.SetInputScore("keep", 3);
        var e = Assert.Throws<RgsudFileException>(() => target.Load(bankDir));
        Assert.Equal(manifestPath, e.FilePath);
        Assert.Contains(field == "id" ? "invalid id" : "invalid file", e.Reason, StringComparison.Ordinal);
        Assert.Equal("keep", Assert.Single(target.GetSlots()).Id);

        var disk = new DiskRewardBank(dir.Sub("disk"), ScoreDirection.HigherIsBetter);
        Assert.Throws<RgsudFileException>(() => disk.Load(bankDir));
        Assert.Throws<RgsudFileException>(() => new DiskRewardBank(bankDir, ScoreDirection.HigherIsBetter));
        Assert.Empty(disk.GetSlots());
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Sub("disk"), "rewards")));
        Assert.Equal(outside, Snapshot(root, bankDir));
    }

    [Fact]
    public void A_reward_file_that_is_a_symbolic_link_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;
        string bankDir = dir.Sub("bank");
        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        using (var t = FromHwc(TaggedHwc(7, 3, 3), 3, 3)) bank.Offer("ok.png", t, 1, 0);
        bank.Save(bankDir);
        string reward = Directory.GetFiles(Path.Combine(bankDir, "rewards")).Single();
        string outside = dir.Sub("outside.png");
        File.Move(reward, outside);
        File.CreateSymbolicLink(reward, outside);
        var e = Assert.Throws<RgsudFileException>(() => new InMemoryRewardBank(ScoreDirection.HigherIsBetter).Load(bankDir));
        Assert.Contains("symbolic link", e.Reason, StringComparison.Ordinal);
    }

    private static Dictionary<string, (long, DateTime)> Snapshot(string root, string exclude) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(exclude, StringComparison.Ordinal))
            .ToDictionary(p => p, p => File.Exists(p) ? (new FileInfo(p).Length, File.GetLastWriteTimeUtc(p)) : (-1L, Directory.GetLastWriteTimeUtc(p)));
}
