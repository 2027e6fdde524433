using System.Text;
using FsCheck.Xunit;
using Rgsud.Abstractions;
using Rgsud.Strategy.Banks;
using static Rgsud.Core.Tests.Banks.BankTestSupport;

namespace Rgsud.Core.Tests.Banks;

/// <summary>Save/Load round trips, atomic replacement and recovery of interrupted saves.</summary>
public sealed class RewardBankPersistenceTests
{
    [Property(Arbitrary = [typeof(BankArbitraries)], MaxTest = 25, EndSize = 40)]
    public void Save_then_Load_round_trips_exactly(BankKind from, BankKind to, bool higher, bool guard, BankOp[] ops)
    {
        var direction = higher ? ScoreDirection.HigherIsBetter : ScoreDirection.LowerIsBetter;
        using var dir = new BankTempDirectory();
        var source = Create(from, dir, direction, guard, cache: 1, name: "source");
        Apply(source, ops);
        SetScorer(source, "niqe");
        string saved = dir.Sub("saved");
        source.Save(saved);

        var target = Create(to, dir, direction, !guard, name: "target");
        target.SetInputScore("stale/slot.png", 1);
        target.Load(saved);
        AssertSameContents(source, target);
        Assert.Equal("niqe", Scorer(target));
        Assert.Equal(0, target.GetStatistics().OffersInLastPass);

        // Saving again over an existing bank replaces it.
        Apply(source, [new BankOp(true, 0, higher ? 1e300 : -1e300, 0)]);
        source.Save(saved);
        target.Load(saved);
        AssertSameContents(source, target);
        Assert.DoesNotContain(Directory.GetDirectories(dir.Path), d => Path.GetFileName(d).StartsWith("saved.", StringComparison.Ordinal));

        if (source is DiskRewardBank disk)
        {
            // Resume: flush the manifest in place and reopen the directory.
            disk.Save(disk.DirectoryPath);
            var reopened = new DiskRewardBank(disk.DirectoryPath, direction, guard, cacheCapacity: 0);
            AssertSameContents(source, reopened);
            Assert.Equal("niqe", reopened.ScorerName);
        }
    }

    [Theory]
    [InlineData(BankKind.Memory)]
    [InlineData(BankKind.Disk)]
    public void Manifest_has_the_documented_shape(BankKind kind)
    {
        using var dir = new BankTempDirectory();
        var bank = Create(kind, dir, ScoreDirection.LowerIsBetter);
        SetScorer(bank, "niqe");
        bank.SetInputScore("only/input.png", double.NaN);
        bank.SetInputScore("x/y.png", 7.25);
        using (var t = FromHwc(TaggedHwc(5, 4, 3), 4, 3)) Assert.True(bank.Offer("x/y.png", t, 0.1 + 0.2, 42));
        string saved = dir.Sub("saved");
        bank.Save(saved);
        string json = File.ReadAllText(Path.Combine(saved, "manifest.json"));
        Assert.Contains("\"format\": \"rgsud-reward-bank\"", json, StringComparison.Ordinal);
        Assert.Contains("\"version\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"direction\": \"LowerIsBetter\"", json, StringComparison.Ordinal);
        Assert.Contains("\"scorer\": \"niqe\"", json, StringComparison.Ordinal);
        Assert.Contains("\"coldStartGuard\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"score\": 0.30000000000000004", json, StringComparison.Ordinal);
        Assert.Contains("\"inputScore\": \"NaN\"", json, StringComparison.Ordinal);
        var files = Directory.GetFiles(Path.Combine(saved, "rewards"));
        var file = Assert.Single(files);
        Assert.StartsWith("x__y.png.", Path.GetFileName(file), StringComparison.Ordinal);
        Assert.EndsWith(".png", file, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), json, StringComparison.Ordinal);

        // The PNG is an ordinary 8-bit RGB image a user can open.
        using var read = Rgsud.Imaging.ImageIO.Read(file);
        Assert.Equal(TaggedHwc(5, 4, 3), Hwc(read));
    }

    [Fact]
    public void Load_refuses_a_bank_of_the_other_direction_or_scorer_and_keeps_its_contents()
    {
        using var dir = new BankTempDirectory();
        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter) { ScorerName = "musiq" };
        bank.SetInputScore("a", 1);
        string saved = dir.Sub("saved");
        bank.Save(saved);

        var lower = new InMemoryRewardBank(ScoreDirection.LowerIsBetter);
        lower.SetInputScore("keep", 2);
        var e = Assert.Throws<RgsudFileException>(() => lower.Load(saved));
        Assert.Equal(Path.Combine(saved, "manifest.json"), e.FilePath);
        Assert.Contains("direction HigherIsBetter", e.Message, StringComparison.Ordinal);
        Assert.Equal("keep", Assert.Single(lower.GetSlots()).Id);

        var otherScorer = new InMemoryRewardBank(ScoreDirection.HigherIsBetter) { ScorerName = "niqe" };
        e = Assert.Throws<RgsudFileException>(() => otherScorer.Load(saved));
        Assert.Contains("scorer 'musiq'", e.Message, StringComparison.Ordinal);

        Assert.Throws<RgsudFileException>(() => new DiskRewardBank(saved, ScoreDirection.LowerIsBetter));
    }

    [Theory]
    [InlineData("{\"format\":\"other\",\"version\":1}", "format")]
    [InlineData("{\"format\":\"rgsud-reward-bank\",\"version\":2,\"direction\":\"HigherIsBetter\",\"coldStartGuard\":true,\"entries\":[]}", "version 2")]
    [InlineData("{\"format\":\"rgsud-reward-bank\",\"version\":1,\"direction\":\"Up\",\"coldStartGuard\":true,\"entries\":[]}", "direction")]
    [InlineData("{\"format\":\"rgsud-reward-bank\",\"version\":1,\"direction\":\"HigherIsBetter\",\"coldStartGuard\":true,\"entries\":[],\"extra\":1}", "unknown property")]
    [InlineData("{\"format\":\"rgsud-reward-bank\",\"version\":1,\"direction\":\"HigherIsBetter\",\"coldStartGuard\":true,\"entries\":[{\"id\":\"a\",\"score\":1,\"inputScore\":null,\"step\":null,\"width\":1,\"height\":1,\"file\":\"a.png\",\"sha256\":null}]}", "needs step")]
    [InlineData("{\"format\":\"rgsud-reward-bank\",\"version\":1,\"direction\":\"HigherIsBetter\",\"coldStartGuard\":true,\"entries\":[{\"id\":\"a\",\"width\":0,\"height\":0},{\"id\":\"a\",\"width\":0,\"height\":0}]}", "more than once")]
    [InlineData("[1,2,3]", "JSON object")]
    public void Load_validates_the_manifest_strictly(string json, string expected)
    {
        using var dir = new BankTempDirectory();
        string bankDir = dir.Sub("bank");
        Directory.CreateDirectory(Path.Combine(bankDir, "rewards"));
        File.WriteAllText(Path.Combine(bankDir, "manifest.json"), json);
        var e = Assert.Throws<RgsudFileException>(() => new InMemoryRewardBank(ScoreDirection.HigherIsBetter).Load(bankDir));
        Assert.Equal(Path.Combine(bankDir, "manifest.json"), e.FilePath);
        Assert.Contains(expected, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_refuses_to_replace_a_directory_that_is_not_a_bank()
    {
        using var dir = new BankTempDirectory();
        string precious = dir.Sub("precious");
        Directory.CreateDirectory(precious);
        File.WriteAllText(Path.Combine(precious, "thesis.tex"), "do not delete");
        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        bank.SetInputScore("a", 1);
        var e = Assert.Throws<RgsudFileException>(() => bank.Save(precious));
        Assert.Contains("not a reward bank", e.Reason, StringComparison.Ordinal);
        Assert.Equal("do not delete", File.ReadAllText(Path.Combine(precious, "thesis.tex")));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));

        // An empty directory is fine.
        string empty = dir.Sub("empty");
        Directory.CreateDirectory(empty);
        bank.Save(empty);
        Assert.True(File.Exists(Path.Combine(empty, "manifest.json")));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Load_recovers_a_save_interrupted_between_its_renames(bool hasTmp, bool hasOld)
    {
        using var dir = new BankTempDirectory();
        var previous = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        previous.SetInputScore("old", 1);
        var next = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        next.SetInputScore("new", 2);
        string bankDir = dir.Sub("bank");
        string token = Guid.NewGuid().ToString("N");
        if (hasOld) previous.Save(bankDir + ".old-" + token);
        if (hasTmp) next.Save(bankDir + ".tmp-" + token);

        var loaded = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        loaded.Load(bankDir);
        Assert.Equal(hasTmp ? "new" : "old", Assert.Single(loaded.GetSlots()).Id);
        Assert.True(Directory.Exists(bankDir));
        Assert.Equal(["bank"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_reports_an_ambiguous_interrupted_state_and_a_missing_directory()
    {
        using var dir = new BankTempDirectory();
        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        bank.SetInputScore("a", 1);
        string bankDir = dir.Sub("bank");
        var e = Assert.Throws<RgsudFileException>(() => bank.Load(bankDir));
        Assert.Contains("not found", e.Reason, StringComparison.Ordinal);

        bank.Save(bankDir + ".tmp-" + Guid.NewGuid().ToString("N"));
        bank.Save(bankDir + ".tmp-" + Guid.NewGuid().ToString("N"));
        e = Assert.Throws<RgsudFileException>(() => bank.Load(bankDir));
        Assert.Contains("several interrupted saves", e.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(bankDir));
    }

    [Fact]
    public void A_save_that_fails_leaves_the_previous_bank_and_no_temporary_folder()
    {
        using var dir = new BankTempDirectory();
        string bankDir = dir.Sub("bank");
        var bank = new InMemoryRewardBank(ScoreDirection.HigherIsBetter);
        bank.SetInputScore("a", 1);
        bank.Save(bankDir);
        string before = File.ReadAllText(Path.Combine(bankDir, "manifest.json"), Encoding.UTF8);

        // A file where the parent folder should be makes the save fail.
        string blocked = Path.Combine(dir.Sub("file"), "bank");
        File.WriteAllText(dir.Sub("file"), "x");
        Assert.Throws<RgsudFileException>(() => bank.Save(blocked));
        Assert.Equal(before, File.ReadAllText(Path.Combine(bankDir, "manifest.json"), Encoding.UTF8));
        Assert.Equal(2, Directory.GetFileSystemEntries(dir.Path).Length);
    }

    private static void Apply(IRewardBank bank, IEnumerable<BankOp> ops)
    {
        int i = 0;
        foreach (var op in ops)
        {
            string id = RewardBankOfferPropertyTests.Ids[op.Slot];
            if (op.IsOffer)
            {
                using var t = RewardBankOfferPropertyTests.Candidate(i, op.Layout, out _, out _);
                bank.Offer(id, t, op.Score, i * 3 - 7);
            }
            else
            {
                bank.SetInputScore(id, op.Score);
            }

            i++;
        }
    }

    private static void SetScorer(IRewardBank bank, string name)
    {
        if (bank is InMemoryRewardBank m) m.ScorerName = name;
        else ((DiskRewardBank)bank).ScorerName = name;
    }

    private static string? Scorer(IRewardBank bank) => bank is InMemoryRewardBank m ? m.ScorerName : ((DiskRewardBank)bank).ScorerName;
}
