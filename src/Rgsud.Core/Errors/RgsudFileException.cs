namespace Rgsud;

/// <summary>A file Rgsud was asked to read or write is unusable. <see cref="FilePath"/> names it.</summary>
public class RgsudFileException : RgsudException
{
    /// <summary>Creates the exception; the message is "<paramref name="filePath"/>: <paramref name="reason"/>".</summary>
    public RgsudFileException(string filePath, string reason, Exception? innerException = null)
        : base($"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file involved.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the path.</summary>
    public string Reason { get; }
}
