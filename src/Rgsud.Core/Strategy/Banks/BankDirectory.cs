using System.Diagnostics;
using System.Text;
using Rgsud.IO;

namespace Rgsud.Strategy.Banks;

/// <summary>
/// File-system helpers of the banks: the layout (<c>manifest.json</c> plus <c>rewards/*.png</c>), atomic saves by
/// directory swap, recovery of an interrupted swap, and safe, size-limited reads. Every I/O failure becomes an
/// <see cref="RgsudFileException"/> naming the file.
/// </summary>
internal static class BankDirectory
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The folder holding the reward PNGs.</summary>
    public const string RewardsFolderName = "rewards";

    private const string TmpMarker = ".tmp-";
    private const string OldMarker = ".old-";

    /// <summary>The absolute path without a trailing separator.</summary>
    public static string Normalize(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (directory.Length == 0) throw new ArgumentException("The bank directory must not be empty.", nameof(directory));
        try
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new RgsudFileException(directory, $"invalid path: {e.Message}", e);
        }
    }

    /// <summary>True when two normalised paths name the same directory (case-insensitive on Windows and macOS).</summary>
    public static bool SamePath(string a, string b) =>
        string.Equals(a, b, OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary><c>&lt;dir&gt;/manifest.json</c>.</summary>
    public static string ManifestPath(string directory) => Path.Combine(directory, ManifestFileName);

    /// <summary><c>&lt;dir&gt;/rewards</c>.</summary>
    public static string RewardsPath(string directory) => Path.Combine(directory, RewardsFolderName);

    /// <summary>
    /// The path of a reward file named in a manifest: the name must be a plain file name (already checked by the
    /// manifest parser; checked again here), the result must lie directly inside <c>&lt;dir&gt;/rewards</c>, and
    /// neither the folder nor the file may be a symbolic link.
    /// </summary>
    public static string RewardFile(string directory, string fileName, string manifestPath)
    {
        if (RewardIds.FileNameProblem(fileName) is { } problem) throw new RgsudFileException(manifestPath, $"invalid file '{fileName}': {problem}");
        string rewards = Path.GetFullPath(RewardsPath(directory));
        string full = Path.GetFullPath(Path.Combine(rewards, fileName));
        if (!SamePath(Path.GetDirectoryName(full) ?? string.Empty, rewards))
        {
            throw new RgsudFileException(manifestPath, $"file '{fileName}' does not resolve inside {rewards}");
        }

        RefuseLink(rewards);
        RefuseLink(full);
        return full;
    }

    /// <summary>Reads a whole file of at most <paramref name="maxBytes"/> bytes (not following a final symbolic link).</summary>
    public static byte[] ReadFile(string path, long maxBytes, string notFoundReason = "file not found")
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new RgsudFileException(path, Directory.Exists(path) ? "is a directory, not a file" : notFoundReason);
            if (info.LinkTarget is not null) throw new RgsudFileException(path, "is a symbolic link; a bank only reads its own files");
            if (info.Length > maxBytes)
            {
                throw new RgsudFileException(path, $"the file is {info.Length} bytes, more than the {maxBytes} bytes it may have");
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            long length = stream.Length;
            if (length > maxBytes) throw new RgsudFileException(path, $"the file is {length} bytes, more than the {maxBytes} bytes it may have");
            var data = new byte[length];
            stream.ReadExactly(data);
            return data;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RgsudFileException(path, notFoundReason, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RgsudFileException(path, "permission denied", e);
        }
        catch (EndOfStreamException e)
        {
            throw new RgsudFileException(path, "the file changed while it was read", e);
        }
        catch (IOException e)
        {
            throw new RgsudFileException(path, $"read error: {e.Message}", e);
        }
    }

    /// <summary>Reads a reward file and checks its SHA-256; a mismatch is an <see cref="RgsudFileException"/> naming the file.</summary>
    public static byte[] ReadVerified(string path, string sha256, int width, int height)
    {
        var data = ReadFile(path, MaxPngBytes(width, height));
        string actual = RewardPng.Sha256Hex(data);
        if (!string.Equals(actual, sha256, StringComparison.Ordinal))
        {
            throw new RgsudFileException(path, $"SHA-256 mismatch (the file is corrupt or was changed): expected {sha256}, found {actual}");
        }

        return data;
    }

    /// <summary>Creates a new file with <paramref name="data"/> (fails when it exists), by default flushed to disk.</summary>
    public static void WriteNewFile(string path, ReadOnlySpan<byte> data, bool flushToDisk = true)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            stream.Write(data);
            stream.Flush(flushToDisk);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RgsudFileException(path, "permission denied", e);
        }
        catch (IOException e)
        {
            throw new RgsudFileException(path, $"cannot write: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> to a hidden temporary file beside <paramref name="path"/>, by default flushes
    /// it to disk, then renames it over <paramref name="path"/> (readers see the old or the new file, never a part).
    /// </summary>
    public static void WriteFileAtomically(string path, ReadOnlySpan<byte> data, bool flushToDisk = true)
    {
        var copy = data.ToArray();
        AtomicFile.Write(path, s => s.Write(copy), flushToDisk: flushToDisk);
    }

    /// <summary>Flushes an existing file's data to disk.</summary>
    public static void FlushToDisk(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RgsudFileException(path, "file not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RgsudFileException(path, "permission denied", e);
        }
        catch (IOException e)
        {
            throw new RgsudFileException(path, $"cannot flush to disk: {e.Message}", e);
        }
    }

    /// <summary>Creates a directory (and its parents).</summary>
    public static void Create(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(directory, $"cannot create the directory: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes a bank to <paramref name="directory"/> atomically: <paramref name="write"/> fills a temporary sibling
    /// <c>&lt;dir&gt;.tmp-&lt;token&gt;</c> (which already has a rewards/ folder, and must write manifest.json last);
    /// then an existing <c>&lt;dir&gt;</c> is renamed to <c>&lt;dir&gt;.old-&lt;token&gt;</c>, the temporary folder
    /// is renamed to <c>&lt;dir&gt;</c> and the old one is deleted. An existing directory is only replaced when it
    /// is empty or is a reward bank.
    /// </summary>
    public static void SaveAtomically(string directory, Action<string> write)
    {
        string full = Normalize(directory);
        string parent = Path.GetDirectoryName(full) ?? throw new RgsudFileException(full, "cannot save a bank as a file-system root");
        if (File.Exists(full)) throw new RgsudFileException(full, "is a file; refusing to replace it with a reward bank directory");
        if (Directory.Exists(full) && !IsEmptyOrBank(full))
        {
            throw new RgsudFileException(full, "exists and is not a reward bank (no manifest.json of format rgsud-reward-bank); refusing to replace it");
        }

        Create(parent);
        string token = Guid.NewGuid().ToString("N");
        string staging = full + TmpMarker + token;
        try
        {
            Create(RewardsPath(staging));
            write(staging);
            if (!File.Exists(ManifestPath(staging))) throw new InvalidOperationException("The bank writer did not write manifest.json.");
        }
        catch
        {
            TryDeleteDirectory(staging);
            throw;
        }

        string? old = null;
        try
        {
            if (Directory.Exists(full))
            {
                string target = full + OldMarker + token;
                Directory.Move(full, target);
                old = target;
            }

            Directory.Move(staging, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            bool restored = true;
            if (old is not null)
            {
                try
                {
                    Directory.Move(old, full);
                }
                catch (Exception e2) when (e2 is IOException or UnauthorizedAccessException)
                {
                    // Left for ResolveForLoad's recovery: the old bank and the complete new one both stay on disk.
                    restored = false;
                }
            }

            if (restored) TryDeleteDirectory(staging);
            throw new RgsudFileException(full, $"cannot move the saved bank into place: {e.Message}", e);
        }

        if (old is not null) TryDeleteDirectory(old);
    }

    /// <summary>
    /// The directory to load from. When <paramref name="directory"/> is missing because a save was interrupted
    /// between its two renames, the complete new copy (<c>.tmp-*</c> with a manifest) or else the previous one
    /// (<c>.old-*</c>) is renamed back into place first; an ambiguous state is reported, never guessed.
    /// </summary>
    public static string ResolveForLoad(string directory)
    {
        string full = Normalize(directory);
        if (Directory.Exists(full)) return full;
        if (File.Exists(full)) throw new RgsudFileException(full, "is a file, not a reward bank directory");
        if (TryRecover(full)) return full;
        throw new RgsudFileException(full, "reward bank directory not found");
    }

    /// <summary>Recovers a missing <paramref name="full"/> from an interrupted save; false when there is nothing to recover.</summary>
    public static bool TryRecover(string full)
    {
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent)) return false;
        string name = Path.GetFileName(full);
        var tmps = new List<(string Path, string Token)>();
        var olds = new List<(string Path, string Token)>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(parent))
            {
                string n = Path.GetFileName(dir);
                if (!n.StartsWith(name, StringComparison.Ordinal)) continue;
                string rest = n[name.Length..];
                if (!File.Exists(ManifestPath(dir))) continue;
                if (rest.StartsWith(TmpMarker, StringComparison.Ordinal) && IsToken(rest[TmpMarker.Length..])) tmps.Add((dir, rest[TmpMarker.Length..]));
                else if (rest.StartsWith(OldMarker, StringComparison.Ordinal) && IsToken(rest[OldMarker.Length..])) olds.Add((dir, rest[OldMarker.Length..]));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(full, $"missing, and its parent folder cannot be listed: {e.Message}", e);
        }

        if (tmps.Count == 0 && olds.Count == 0) return false;

        // The swap renames <dir> to .old-T and then .tmp-T to <dir>: a complete .tmp-T is the newest state.
        string? pick = null;
        string? obsolete = null;
        if (tmps.Count == 1)
        {
            pick = tmps[0].Path;
            obsolete = olds.Find(o => o.Token == tmps[0].Token).Path;
        }
        else if (tmps.Count == 0 && olds.Count == 1)
        {
            pick = olds[0].Path;
        }

        if (pick is null)
        {
            var all = new StringBuilder();
            foreach (var c in tmps.Concat(olds)) all.Append(' ').Append(Path.GetFileName(c.Path));
            throw new RgsudFileException(full,
                $"reward bank directory not found; several interrupted saves exist ({all.ToString().Trim()}); rename the one to keep to {name}");
        }

        try
        {
            Directory.Move(pick, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(full, $"missing; recovering it from {pick} failed: {e.Message}", e);
        }

        Trace.TraceWarning($"Rgsud: reward bank {full} was recovered from an interrupted save ({Path.GetFileName(pick)}).");
        if (obsolete is not null) TryDeleteDirectory(obsolete);
        return true;
    }

    /// <summary>Deletes a file, ignoring failures.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Trace.TraceWarning($"Rgsud: could not delete {path}: {e.Message}");
        }
    }

    /// <summary>Deletes a directory tree, ignoring failures.</summary>
    public static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Trace.TraceWarning($"Rgsud: could not delete {path}: {e.Message}");
        }
    }

    /// <summary>An upper bound on the size of a PNG of the given size written by any sane encoder.</summary>
    private static long MaxPngBytes(int width, int height) => 2 * (3L * width * height + height) + (1 << 20);

    private static void RefuseLink(string path)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (info.Exists && info.LinkTarget is not null)
        {
            throw new RgsudFileException(path, "is a symbolic link; a bank only reads its own files");
        }
    }

    private static bool IsToken(string text) => text.Length == 32 && text.All(static c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));

    private static bool IsEmptyOrBank(string directory)
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(directory).Any()) return true;
            string manifest = ManifestPath(directory);
            if (!File.Exists(manifest)) return false;
            using var stream = new FileStream(manifest, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var head = new byte[4096];
            int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(head, 0, n).Contains("\"" + RewardManifest.Format + "\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudFileException(directory, $"cannot inspect the directory: {e.Message}", e);
        }
    }
}
