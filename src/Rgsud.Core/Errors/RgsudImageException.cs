namespace Rgsud;

/// <summary>An image file could not be read or written (unknown or disabled format, too large, truncated, ...).</summary>
public class RgsudImageException : RgsudFileException
{
    /// <summary>Creates the exception.</summary>
    public RgsudImageException(string filePath, string reason, Exception? innerException = null)
        : base(filePath, reason, innerException) { }
}
