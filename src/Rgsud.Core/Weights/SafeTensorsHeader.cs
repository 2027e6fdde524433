namespace Rgsud.Weights;

/// <summary>
/// The validated header of a safetensors file: every tensor's name, dtype, shape and byte range, and the free-form
/// string metadata. Produced by <see cref="SafeTensors.ReadHeader(string)"/>; reading the header never reads tensor data.
/// </summary>
public sealed class SafeTensorsHeader
{
    internal SafeTensorsHeader(string filePath, long headerLength, IReadOnlyList<SafeTensorInfo> tensors,
        IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = filePath;
        HeaderLength = headerLength;
        Tensors = tensors;
        Metadata = metadata;
        var byName = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        foreach (var t in tensors) byName.Add(t.Name, t);
        ByName = byName;
    }

    /// <summary>The file the header was read from.</summary>
    public string FilePath { get; }

    /// <summary>Length in bytes of the JSON header (the u64 at the start of the file).</summary>
    public long HeaderLength { get; }

    /// <summary>File offset of the data section (8 + <see cref="HeaderLength"/>).</summary>
    public long DataStart => 8 + HeaderLength;

    /// <summary>Tensors in the order of their data in the file.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>Tensors by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> ByName { get; }

    /// <summary>The <c>__metadata__</c> entries (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
