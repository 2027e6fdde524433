using System.Text.Json.Nodes;
using Rgsud.Checkpoints;
using Rgsud.Testing;

namespace Rgsud.Core.Tests.Checkpoints;

/// <summary>Issue 8, crash safety at the store level: complete-or-absent checkpoints, checksums, fallback, containment.</summary>
public sealed class CheckpointStoreTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private CheckpointStore Store(int keep = 3) => new(dir.File("checkpoints"), keep);

    private static string SaveWith(CheckpointStore store, long step, string text) => store.Save(step, d =>
    {
        File.WriteAllText(Path.Combine(d, "state.txt"), text);
        Directory.CreateDirectory(Path.Combine(d, "method"));
        File.WriteAllText(Path.Combine(d, "method", "weights.bin"), new string('w', 1000) + text);
    });

    [Fact]
    public void Save_writes_a_verified_folder_and_keeps_only_the_newest()
    {
        var store = Store(keep: 2);
        SaveWith(store, 2, "two");
        SaveWith(store, 4, "four");
        var last = SaveWith(store, 6, "six");
        Assert.Equal([4L, 6L], store.List().Select(c => c.Step));
        Assert.Null(CheckpointStore.Verify(last));
        Assert.Equal(last, store.FindLatestValid()!.Directory);
        Assert.Empty(Directory.GetDirectories(store.Root, ".tmp-*"));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Save(-1, _ => { }));
    }

    /// <summary>
    /// Pruning never deletes a listed folder in place (a kill during a recursive delete would leave a step-N without
    /// its manifest, seen by the kill/resume loop): it renames it to <c>.tmp-discard-*</c> first, and a half-deleted
    /// discard folder left by a crash is swept by the next save.
    /// </summary>
    [Fact]
    public void Pruning_discards_through_a_temporary_name_and_sweeps_interrupted_discards()
    {
        var store = Store(keep: 1);
        SaveWith(store, 2, "two");
        var interrupted = Directory.CreateDirectory(Path.Combine(store.Root, ".tmp-discard-0123")).FullName;
        File.WriteAllText(Path.Combine(interrupted, "state.txt"), "half deleted");
        SaveWith(store, 4, "four");
        Assert.Equal([4L], store.List().Select(c => c.Step));
        Assert.Empty(Directory.GetDirectories(store.Root, ".tmp-*"));
        Assert.Equal(["step-0000000004"], Directory.GetDirectories(store.Root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_write_leaves_no_checkpoint_and_no_temporary_folder()
    {
        var store = Store();
        SaveWith(store, 2, "two");
        Assert.Throws<IOException>(() => store.Save(4, d =>
        {
            File.WriteAllText(Path.Combine(d, "half.txt"), "half");
            throw new IOException("disk full");
        }));
        Assert.Equal([2L], store.List().Select(c => c.Step));
        Assert.Empty(Directory.GetDirectories(store.Root, ".tmp-*"));
    }

    public static TheoryData<string, string> Damage => new()
    {
        { "flip", "state.txt fails its SHA-256 check (corrupt)" },
        { "truncate", "method/weights.bin has the wrong size (truncated?)" },
        { "delete", "state.txt is missing" },
        { "no-manifest", "checkpoint.json is missing (incomplete checkpoint)" },
        { "bad-json", "checkpoint.json is not valid JSON" },
        { "extra-file", "injected.txt is not listed in checkpoint.json" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public void A_damaged_newest_checkpoint_is_reported_and_the_previous_one_is_used(string damage, string reason)
    {
        var store = Store();
        var previous = SaveWith(store, 2, "two");
        var newest = SaveWith(store, 4, "four");
        switch (damage)
        {
            case "flip":
                var bytes = File.ReadAllBytes(Path.Combine(newest, "state.txt"));
                bytes[0] ^= 1;
                File.WriteAllBytes(Path.Combine(newest, "state.txt"), bytes);
                break;
            case "truncate":
                using (var s = new FileStream(Path.Combine(newest, "method", "weights.bin"), FileMode.Open)) s.SetLength(10);
                break;
            case "delete": File.Delete(Path.Combine(newest, "state.txt")); break;
            case "no-manifest": File.Delete(Path.Combine(newest, "checkpoint.json")); break;
            case "bad-json": File.WriteAllText(Path.Combine(newest, "checkpoint.json"), "{ not json"); break;
            case "extra-file": File.WriteAllText(Path.Combine(newest, "injected.txt"), "x"); break;
        }

        var reports = new List<(string Dir, string Why)>();
        var found = store.FindLatestValid((d, why) => reports.Add((d, why)));
        Assert.Equal(previous, found!.Directory);
        Assert.Equal(2, found.Step);
        var (reportedDir, why) = Assert.Single(reports);
        Assert.Equal(newest, reportedDir);
        Assert.StartsWith(reason, why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../outside.txt")]
    [InlineData("/etc/hostname")]
    [InlineData("method/../../x.txt")]
    [InlineData("a\u0000b")]
    public void A_manifest_that_points_outside_its_folder_makes_the_checkpoint_unusable(string path)
    {
        var store = Store();
        SaveWith(store, 2, "two");
        var newest = SaveWith(store, 4, "four");
        File.WriteAllText(dir.File("outside.txt"), "secret");
        var manifestPath = Path.Combine(newest, "checkpoint.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["files"]![0]!["path"] = path;
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var why = CheckpointStore.Verify(newest);
        Assert.StartsWith("checkpoint.json names a file outside the checkpoint", why, StringComparison.Ordinal);
        Assert.Equal(2, store.FindLatestValid()!.Step);
    }

    [Fact]
    public void A_symbolic_link_inside_a_checkpoint_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;
        var store = Store();
        SaveWith(store, 2, "two");
        var newest = SaveWith(store, 4, "four");
        var outside = dir.File("outside.txt");
        File.Move(Path.Combine(newest, "state.txt"), outside);
        File.CreateSymbolicLink(Path.Combine(newest, "state.txt"), outside);
        Assert.Equal("state.txt is or lies under a symbolic link (refused)", CheckpointStore.Verify(newest));
        Assert.Equal(2, store.FindLatestValid()!.Step);
    }

    [Fact]
    public void Leftovers_of_a_killed_write_are_ignored_and_pruned()
    {
        var store = Store();
        var complete = SaveWith(store, 2, "two");
        // A process killed during a write leaves a .tmp folder without a manifest; one killed between the two
        // renames of a same-step replacement leaves step-N.old-* without step-N.
        var tmp = Directory.CreateDirectory(Path.Combine(store.Root, ".tmp-step-0000000004-dead")).FullName;
        File.WriteAllText(Path.Combine(tmp, "state.txt"), "partial");
        var orphan = Path.Combine(store.Root, "step-0000000006.old-0123456789abcdef0123456789abcdef");
        Directory.Move(SaveWith(store, 6, "six"), orphan);

        var found = store.FindLatestValid();
        Assert.Equal(orphan, found!.Directory);
        Assert.Equal(6, found.Step);
        File.Delete(Path.Combine(orphan, "state.txt"));
        Assert.Equal(complete, store.FindLatestValid()!.Directory);

        SaveWith(store, 8, "eight");
        Assert.False(Directory.Exists(tmp));
        Assert.False(Directory.Exists(orphan));
    }

    [Fact]
    public void Debug_pause_variable_is_documented_on_the_store()
    {
        Assert.Equal("RGSUD_DEBUG_CHECKPOINT_PAUSE_MS", CheckpointStore.DebugPauseVariable);
    }
}
