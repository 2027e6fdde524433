using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Rgsud.Abstractions;
using Rgsud.Strategy.Banks;
using static Rgsud.Core.Tests.Banks.BankTestSupport;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Damaged files are reported as <see cref="RgsudFileException"/> naming the file.</summary>
public sealed class RewardBankCorruptionTests : IDisposable
{
    private readonly BankTempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string SavedBank(out string reward)
    {
        string bankDir = dir.Sub("saved");
        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        using (var t = FromHwc(RandomHwc(40, 30, 1), 40, 30)) bank.Offer("a/b.png", t, 1, 0);
        bank.SetInputScore("empty", 2);
        bank.Save(bankDir);
        reward = Directory.GetFiles(Path.Combine(bankDir, "rewards")).Single();
        return bankDir;
    }

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void A_truncated_reward_png_is_reported_with_its_path(BankKind kind)
    {
        string bankDir = SavedBank(out string reward);
        var bytes = File.ReadAllBytes(reward);
        File.WriteAllBytes(reward, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<RgsudFileException>(() => LoadInto(kind, bankDir));
        Assert.Equal(reward, e.FilePath);
        Assert.Contains("SHA-256 mismatch", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_hash_in_the_manifest_is_reported_with_the_png_path()
    {
        string bankDir = SavedBank(out string reward);
        string manifestPath = Path.Combine(bankDir, "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        json["entries"]![0]!["sha256"] = new string('0', 64);
        File.WriteAllText(manifestPath, json.ToJsonString());
        var e = Assert.Throws<RgsudFileException>(() => new InMemoryRewardBank(ScoreDirection.HigherIsBetter).Load(bankDir));
        Assert.Equal(reward, e.FilePath);
        Assert.Contains("SHA-256 mismatch", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_png_with_a_matching_hash_is_reported_as_corrupt_data()
    {
        string bankDir = SavedBank(out string reward);
        var bytes = File.ReadAllBytes(reward);
        var truncated = bytes[..(bytes.Length - 200)];
        File.WriteAllBytes(reward, truncated);
        string manifestPath = Path.Combine(bankDir, "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        json["entries"]![0]!["sha256"] = Convert.ToHexStringLower(SHA256.HashData(truncated));
        File.WriteAllText(manifestPath, json.ToJsonString());
        var e = Assert.Throws<RgsudFileException>(() => new InMemoryRewardBank(ScoreDirection.HigherIsBetter).Load(bankDir));
        Assert.Equal(reward, e.FilePath);
        Assert.Contains("corrupt", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_png_of_another_size_than_the_manifest_says_is_refused()
    {
        string bankDir = SavedBank(out string reward);
        string manifestPath = Path.Combine(bankDir, "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        json["entries"]![0]!["width"] = 41;
        File.WriteAllText(manifestPath, json.ToJsonString());
        var e = Assert.Throws<RgsudFileException>(() => new InMemoryRewardBank(ScoreDirection.HigherIsBetter).Load(bankDir));
        Assert.Equal(reward, e.FilePath);
        Assert.Contains("40x30", e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void A_truncated_manifest_is_reported_with_its_path(BankKind kind)
    {
        string bankDir = SavedBank(out _);
        string manifestPath = Path.Combine(bankDir, "manifest.json");
        var bytes = File.ReadAllBytes(manifestPath);
        File.WriteAllBytes(manifestPath, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<RgsudFileException>(() => LoadInto(kind, bankDir));
        Assert.Equal(manifestPath, e.FilePath);
        Assert.Contains("not valid JSON", e.Reason, StringComparison.Ordinal);
        var open = Assert.Throws<RgsudFileException>(() => new DiskRewardBank(bankDir, ScoreDirection.HigherIsBetter));
        Assert.Equal(manifestPath, open.FilePath);
    }

    [Fact]
    public void A_missing_reward_file_is_reported()
    {
        string bankDir = SavedBank(out string reward);
        File.Delete(reward);
        var e = Assert.Throws<RgsudFileException>(() => new InMemoryRewardBank(ScoreDirection.HigherIsBetter).Load(bankDir));
        Assert.Equal(reward, e.FilePath);
        var open = Assert.Throws<RgsudFileException>(() => new DiskRewardBank(bankDir, ScoreDirection.HigherIsBetter));
        Assert.Equal(reward, open.FilePath);
    }

    [Fact]
    public void A_disk_bank_detects_a_reward_file_damaged_after_it_was_written()
    {
        var bank = new DiskRewardBank(dir.Sub("disk"), ScoreDirection.HigherIsBetter, cacheCapacity: 0);
        using (var t = FromHwc(RandomHwc(20, 10, 2), 20, 10)) bank.Offer("x", t, 1, 0);
        string reward = Directory.GetFiles(Path.Combine(bank.DirectoryPath, "rewards")).Single();
        var bytes = File.ReadAllBytes(reward);
        bytes[^20] ^= 0xFF;
        File.WriteAllBytes(reward, bytes);
        var e = Assert.Throws<RgsudFileException>(() => bank.ReadRewardCrop("x", new CropBox(0, 0, 5, 5)));
        Assert.Equal(reward, e.FilePath);
        Assert.Contains("SHA-256", e.Reason, StringComparison.Ordinal);
    }

    private void LoadInto(BankKind kind, string bankDir) =>
        Create(kind, dir, ScoreDirection.HigherIsBetter, name: "target").Load(bankDir);
}
