using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rgsud.Checkpoints;

/// <summary>
/// Crash-safe checkpoints in <c>&lt;root&gt;/step-NNNNNNNNNN/</c>: contents are written into a temporary sibling,
/// a <c>checkpoint.json</c> with the SHA-256 and size of every file is written last, and the folder is renamed
/// into place, so a checkpoint either exists complete or not at all. Loading verifies the checksums and falls
/// back to the previous checkpoint when the newest is corrupt or truncated. The newest <c>keep</c> are kept.
/// <para>
/// Nothing in a checkpoint can point outside its folder: folder names are built from the step number only, and a
/// manifest entry that is absolute, climbs out with <c>..</c>, names a symbolic link or holds a NUL makes the
/// checkpoint unusable (reported like any corruption). For crash tests, the environment variable
/// <c>RGSUD_DEBUG_CHECKPOINT_PAUSE_MS</c> makes <see cref="Save"/> pause that long after the contents are written
/// and before the manifest, so a test can kill the process while a checkpoint write is in progress.
/// </para>
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>The environment variable read by <see cref="Save"/> for its test pause (milliseconds).</summary>
    public const string DebugPauseVariable = "RGSUD_DEBUG_CHECKPOINT_PAUSE_MS";

    private const string ManifestName = "checkpoint.json";
    private const string Prefix = "step-";
    private const string OldMarker = ".old-";

    /// <summary>Creates a store rooted at <paramref name="root"/> (created when missing).</summary>
    public CheckpointStore(string root, int keep = 2)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (keep < 1) throw new ArgumentOutOfRangeException(nameof(keep), keep, "must be at least 1");
        Root = Path.GetFullPath(root);
        Keep = keep;
    }

    /// <summary>The folder holding the checkpoints.</summary>
    public string Root { get; }

    /// <summary>How many complete checkpoints are kept.</summary>
    public int Keep { get; }

    /// <summary>
    /// Writes a checkpoint for <paramref name="step"/>: <paramref name="writeContents"/> fills the (empty,
    /// temporary) folder it is given; the checkpoint becomes visible only when complete. Returns its folder.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public string Save(long step, Action<string> writeContents)
    {
        ArgumentNullException.ThrowIfNull(writeContents);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        Directory.CreateDirectory(Root);
        var final = Path.Combine(Root, $"{Prefix}{step:D10}");
        var temp = Path.Combine(Root, $".tmp-{Prefix}{step:D10}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            writeContents(temp);
            DebugPause();
            var files = new JsonArray();
            foreach (var file in Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                files.Add(new JsonObject
                {
                    ["path"] = Path.GetRelativePath(temp, file).Replace('\\', '/'),
                    ["size"] = new FileInfo(file).Length,
                    ["sha256"] = Hash(file),
                });
            }
            var manifest = new JsonObject { ["format"] = "rgsud-checkpoint", ["version"] = 1, ["step"] = step, ["files"] = files };
            WriteAllTextDurable(Path.Combine(temp, ManifestName), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(final))
            {
                var old = final + $"{OldMarker}{Guid.NewGuid():N}";
                Directory.Move(final, old);
                Directory.Move(temp, final);
                Discard(old);
            }
            else
            {
                Directory.Move(temp, final);
            }
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        Prune();
        return final;
    }

    /// <summary>
    /// The newest checkpoint whose files all match their checksums, or null when there is none. Each corrupt
    /// or incomplete checkpoint met on the way is reported to <paramref name="onCorrupt"/> (folder, reason).
    /// </summary>
    /// <remarks>
    /// A crash between the two renames of a same-step replacement leaves <c>step-N.old-*</c> without
    /// <c>step-N</c>; such a folder is still a candidate for its step (it was complete when it was renamed).
    /// </remarks>
    public CheckpointInfo? FindLatestValid(Action<string, string>? onCorrupt = null)
    {
        var candidates = List().ToList();
        var steps = candidates.Select(c => c.Step).ToHashSet();
        candidates.AddRange(Orphans().Where(o => !steps.Contains(o.Step)));
        foreach (var candidate in candidates.OrderByDescending(c => c.Step))
        {
            var problem = Verify(candidate.Directory);
            if (problem is null) return candidate;
            onCorrupt?.Invoke(candidate.Directory, problem);
        }
        return null;
    }

    /// <summary>Checkpoint folders by step (not verified).</summary>
    public IReadOnlyList<CheckpointInfo> List()
    {
        if (!Directory.Exists(Root)) return [];
        var list = new List<CheckpointInfo>();
        foreach (var dir in Directory.EnumerateDirectories(Root, Prefix + "*"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == Prefix.Length + 10 && long.TryParse(name.AsSpan(Prefix.Length), out var step))
                list.Add(new CheckpointInfo(dir, step));
        }
        return [.. list.OrderBy(c => c.Step)];
    }

    /// <summary>Null when every file listed in the checkpoint's manifest is present with its size and hash; else the problem.</summary>
    public static string? Verify(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        try
        {
            return VerifyCore(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or ArgumentException)
        {
            return $"cannot be read: {e.Message}";
        }
    }

    private static string? VerifyCore(string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestName);
        if (!File.Exists(manifestPath)) return $"{ManifestName} is missing (incomplete checkpoint)";
        JsonNode? manifest;
        try
        {
            manifest = JsonNode.Parse(File.ReadAllText(manifestPath));
        }
        catch (JsonException e)
        {
            return $"{ManifestName} is not valid JSON: {e.Message}";
        }
        if (manifest?["format"]?.GetValue<string>() != "rgsud-checkpoint") return $"{ManifestName} is not an Rgsud checkpoint manifest";
        if (manifest["files"] is not JsonArray files) return $"{ManifestName} lists no files";
        var root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in files)
        {
            var rel = entry?["path"]?.GetValue<string>();
            if (string.IsNullOrEmpty(rel)) return $"{ManifestName} has an entry without a path";
            if (rel.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(rel) || rel.Split('/', '\\').Contains(".."))
                return $"{ManifestName} names a file outside the checkpoint: {rel}";
            var full = Path.GetFullPath(Path.Combine(directory, rel));
            if (!full.StartsWith(root, StringComparison.Ordinal)) return $"{ManifestName} names a file outside the checkpoint: {rel}";
            if (!File.Exists(full)) return $"{rel} is missing";
            if (HasLink(directory, rel)) return $"{rel} is or lies under a symbolic link (refused)";
            listed.Add(full);
            if (entry!["size"] is not JsonValue size || entry["sha256"] is not JsonValue sha) return $"{ManifestName} entry {rel} lacks its size or hash";
            if (new FileInfo(full).Length != size.GetValue<long>()) return $"{rel} has the wrong size (truncated?)";
            if (!string.Equals(Hash(full), sha.GetValue<string>(), StringComparison.Ordinal)) return $"{rel} fails its SHA-256 check (corrupt)";
        }
        var extra = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(Path.GetFullPath)
            .FirstOrDefault(f => !listed.Contains(f) && Path.GetFileName(f) != ManifestName);
        return extra is null ? null : $"{Path.GetRelativePath(directory, extra)} is not listed in {ManifestName} (added after the checkpoint was written)";
    }

    /// <summary>True when any component of <paramref name="relative"/> under <paramref name="directory"/> is a symbolic link.</summary>
    private static bool HasLink(string directory, string relative)
    {
        var current = directory;
        foreach (var part in relative.Split('/', '\\', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null) return true;
        }
        return false;
    }

    /// <summary>Folders <c>step-N.old-*</c> left by a crash in the middle of a same-step replacement.</summary>
    private IEnumerable<CheckpointInfo> Orphans()
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(Root, Prefix + "*" + OldMarker + "*"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length > Prefix.Length + 10 && name.AsSpan(Prefix.Length + 10).StartsWith(OldMarker, StringComparison.Ordinal) &&
                long.TryParse(name.AsSpan(Prefix.Length, 10), out var step))
                yield return new CheckpointInfo(dir, step);
        }
    }

    private static void DebugPause()
    {
        var value = Environment.GetEnvironmentVariable(DebugPauseVariable);
        if (int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms > 0)
            Thread.Sleep(ms);
    }

    private void Prune()
    {
        var all = List();
        foreach (var old in all.Take(Math.Max(0, all.Count - Keep))) Discard(old.Directory);
        var kept = List();
        foreach (var orphan in Orphans().ToList())
        {
            if (kept.Any(k => k.Step >= orphan.Step)) Discard(orphan.Directory);
        }
        foreach (var stale in Directory.EnumerateDirectories(Root, ".tmp-*")) TryDelete(stale);
    }

    /// <summary>
    /// Deletes a checkpoint (or fallback) folder so that no crash can leave it half-deleted under a name that
    /// <see cref="List"/> or the fallback search would read: it is first renamed (atomically) to a <c>.tmp-</c>
    /// name, which the next prune sweeps away if this deletion is interrupted.
    /// </summary>
    private void Discard(string directory)
    {
        var doomed = Path.Combine(Root, $".tmp-discard-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(directory, doomed);
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }
        TryDelete(doomed);
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void WriteAllTextDurable(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write(text);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
