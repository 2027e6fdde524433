namespace Rgsud;

/// <summary>
/// A weights file is malformed, or its tensors do not match the module they are loaded into. The lists name
/// the tensors that are missing from the file, unexpected in it, or of the wrong shape or type.
/// </summary>
public sealed class RgsudWeightsException : RgsudFileException
{
    /// <summary>Creates the exception.</summary>
    public RgsudWeightsException(string filePath, string reason,
        IReadOnlyList<string>? missing = null, IReadOnlyList<string>? unexpected = null,
        IReadOnlyList<string>? mismatched = null, Exception? innerException = null)
        : base(filePath, reason, innerException)
    {
        Missing = missing ?? Array.Empty<string>();
        Unexpected = unexpected ?? Array.Empty<string>();
        Mismatched = mismatched ?? Array.Empty<string>();
    }

    /// <summary>Names the module has and the file lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Names the file has and the module lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>"name: file [shape] dtype vs module [shape] dtype" for each tensor whose shape or type differs.</summary>
    public IReadOnlyList<string> Mismatched { get; }
}
