using System.Text;

namespace Rgsud.IO;

/// <summary>
/// The one way Rgsud writes a file: into a hidden, uniquely named temporary file beside the target, flushed to
/// disk, then renamed over the target — a reader (or a crash) sees the old file or the new one, never a part.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>. The folder is created when missing. I/O
    /// failures become <see cref="RgsudFileException"/> (or what <paramref name="error"/> makes of the reason and
    /// the cause); the temporary file is removed on any failure.
    /// </summary>
    public static void Write(string path, Action<Stream> write, Func<string, Exception, RgsudFileException>? error = null, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        error ??= (reason, cause) => new RgsudFileException(path, reason, cause);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(dir);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw error(e is UnauthorizedAccessException ? "permission denied" : $"cannot write: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark).</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => s.Write(new UTF8Encoding(false).GetBytes(text)));

    /// <summary>Writes <paramref name="lines"/>, each followed by a newline, as UTF-8.</summary>
    public static void WriteAllLines(string path, IEnumerable<string> lines) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true);
            foreach (var line in lines) writer.WriteLine(line);
        });

    private static void TryDelete(string file)
    {
        try
        {
            if (File.Exists(file)) File.Delete(file);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
