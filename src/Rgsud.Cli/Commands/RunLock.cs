namespace Rgsud.Cli.Commands;

/// <summary>
/// An exclusive lock on a run folder (<c>.lock</c>, held open with no sharing for the life of the run), so two
/// runs cannot write into one folder by accident. The OS releases it if the process dies.
/// </summary>
internal sealed class RunLock : IDisposable
{
    private readonly FileStream stream;

    private RunLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock or throws <see cref="RgsudFileException"/> naming the folder.</summary>
    public static RunLock Acquire(string directory)
    {
        var path = Path.Combine(directory, ".lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write(Environment.ProcessId);
            stream.Flush();
            return new RunLock(stream);
        }
        catch (IOException e)
        {
            throw new RgsudFileException(directory, "another rgsud process is using this run folder (its .lock is held); wait for it or choose another --out", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();
}
