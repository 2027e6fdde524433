using System.Buffers.Binary;
using System.Text.Json;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Rgsud.IO;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Weights;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length N, N bytes of UTF-8 JSON, then the
/// raw little-endian tensor data). Every file is validated before any tensor is created: header size, strict JSON,
/// known dtypes, byte ranges inside the data section that match shape × dtype size, no overlaps and no unindexed
/// bytes. Every problem is an <see cref="RgsudWeightsException"/> that names the file and, where there is one, the
/// tensor.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (100 MB), as in the reference implementation.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Largest tensor rank accepted.</summary>
    public const int MaxRank = 64;

    private const string MetadataKey = "__metadata__";

    // Tensor data is copied in pieces of at most this many bytes (Span lengths are int).
    private const long ChunkBytes = 1 << 26;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads and validates the header of <paramref name="path"/> without reading tensor data.</summary>
    /// <exception cref="RgsudWeightsException">The file is missing, unreadable or malformed.</exception>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var handle = Open(path);
        return ReadHeader(handle, path);
    }

    /// <summary>
    /// Reads every tensor of <paramref name="path"/> onto the CPU, in file order. The caller owns the tensors
    /// (they join the caller's dispose scope, if any).
    /// </summary>
    /// <exception cref="RgsudWeightsException">The file is missing, unreadable or malformed.</exception>
    public static IReadOnlyDictionary<string, Tensor> Read(string path) => Read(path, null);

    /// <summary>
    /// Reads the tensors of <paramref name="path"/> whose names <paramref name="include"/> accepts (all when null),
    /// onto the CPU, in file order. The whole header is validated either way.
    /// </summary>
    /// <exception cref="RgsudWeightsException">The file is missing, unreadable or malformed.</exception>
    public static IReadOnlyDictionary<string, Tensor> Read(string path, Func<string, bool>? include)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RgsudRuntime.EnsureInitialized();
        using var handle = Open(path);
        var header = ReadHeader(handle, path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        foreach (var info in header.Tensors)
        {
            if (include is not null && !include(info.Name)) continue;
            result.Add(info.Name, ReadTensor(handle, path, header.DataStart, info));
        }
        scope.MoveToOuter(result.Values);
        return result;
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, dtype, layout) to <paramref name="path"/> atomically: the file is
    /// written to a temporary file in the same folder and moved over <paramref name="path"/> only when complete.
    /// Tensors are stored contiguous, in the order given.
    /// </summary>
    /// <param name="path">Destination file; its folder must exist.</param>
    /// <param name="tensors">Name/tensor pairs; names must be unique, non-empty and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Optional string metadata stored under <c>__metadata__</c>.</param>
    /// <exception cref="RgsudWeightsException">A name or dtype cannot be stored, or the file cannot be written.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        RgsudRuntime.EnsureInitialized();
        EnsureLittleEndian(path);

        var entries = new List<(string Name, Tensor Tensor, SafeTensorsDType DType, long Begin, long End)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name)) throw new RgsudWeightsException(path, "a tensor has an empty name");
            if (name == MetadataKey) throw new RgsudWeightsException(path, $"'{MetadataKey}' cannot be a tensor name");
            if (tensor is null) throw new RgsudWeightsException(path, $"tensor '{name}' is null");
            if (!names.Add(name)) throw new RgsudWeightsException(path, $"tensor '{name}' is given twice");
            if (!SafeTensorsDTypes.TryFromScalarType(tensor.dtype, out var dtype))
                throw new RgsudWeightsException(path, $"tensor '{name}': dtype {tensor.dtype} cannot be stored in safetensors");
            var bytes = checked(tensor.numel() * SafeTensorsDTypes.SizeOf(dtype));
            entries.Add((name, tensor, dtype, offset, offset + bytes));
            offset += bytes;
        }

        var headerBytes = BuildHeader(entries.Select(e => (e.Name, e.DType, (IReadOnlyList<long>)e.Tensor.shape, e.Begin, e.End)), metadata);

        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(dir)) throw new RgsudWeightsException(path, $"folder {dir} does not exist");
        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)headerBytes.Length);
            stream.Write(len);
            stream.Write(headerBytes);
            foreach (var e in entries) WriteTensorData(stream, e.Tensor);
        }, (reason, cause) => new RgsudWeightsException(path, reason, innerException: cause));
    }

    /// <summary>
    /// Validates a header: <paramref name="json"/> is the header text as bytes and <paramref name="dataLength"/> the
    /// size of the data section. Used by <see cref="ReadHeader(string)"/>; exposed to tests.
    /// </summary>
    internal static SafeTensorsHeader ParseHeader(string path, ReadOnlySpan<byte> json, long dataLength)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            throw new RgsudWeightsException(path, "header is not a JSON object (it must start with '{')");
        try
        {
            _ = StrictUtf8.GetCharCount(json);
        }
        catch (DecoderFallbackException ex)
        {
            throw new RgsudWeightsException(path, "header is not valid UTF-8", innerException: ex);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions
            {
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
                MaxDepth = 8,
            });
        }
        catch (JsonException ex)
        {
            throw new RgsudWeightsException(path, $"header is not valid JSON: {ex.Message}", innerException: ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new RgsudWeightsException(path, "header is not a JSON object");

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in root.EnumerateObject())
            {
                if (!seen.Add(prop.Name))
                    throw new RgsudWeightsException(path, $"header names '{prop.Name}' twice");
                if (prop.Name == MetadataKey)
                {
                    ParseMetadata(path, prop.Value, metadata);
                    continue;
                }
                tensors.Add(ParseTensor(path, prop.Name, prop.Value, dataLength));
            }

            // Byte ranges: sorted by offset they must tile the data section exactly (no overlap, no hole, nothing
            // after the last tensor), as the reference implementation requires.
            tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long covered = 0;
            SafeTensorInfo? previous = null;
            foreach (var t in tensors)
            {
                if (t.Begin < covered && previous is not null)
                    throw new RgsudWeightsException(path,
                        $"tensor '{t.Name}' (bytes {t.Begin}..{t.End}) overlaps tensor '{previous.Name}' (bytes {previous.Begin}..{previous.End})");
                if (t.Begin > covered)
                    throw new RgsudWeightsException(path,
                        $"bytes {covered}..{t.Begin} of the data section belong to no tensor (before tensor '{t.Name}')");
                covered = t.End;
                previous = t;
            }
            if (covered != dataLength)
                throw new RgsudWeightsException(path,
                    $"the data section has {dataLength} bytes but the tensors cover {covered}: {dataLength - covered} trailing bytes belong to no tensor");

            return new SafeTensorsHeader(path, json.Length, tensors, metadata);
        }
    }

    private static void ParseMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new RgsudWeightsException(path, $"'{MetadataKey}' must be an object of strings");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new RgsudWeightsException(path, $"'{MetadataKey}' entry '{entry.Name}' must be a string");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw new RgsudWeightsException(path, $"'{MetadataKey}' names '{entry.Name}' twice");
        }
    }

    private static SafeTensorInfo ParseTensor(string path, string name, JsonElement value, long dataLength)
    {
        if (name.Length == 0) throw new RgsudWeightsException(path, "a tensor has an empty name");
        if (value.ValueKind != JsonValueKind.Object)
            throw new RgsudWeightsException(path, $"tensor '{name}': entry must be an object");

        string? dtypeName = null;
        List<long>? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype":
                    if (dtypeName is not null) throw Dup();
                    if (field.Value.ValueKind != JsonValueKind.String)
                        throw new RgsudWeightsException(path, $"tensor '{name}': dtype must be a string");
                    dtypeName = field.Value.GetString()!;
                    break;
                case "shape":
                    if (shape is not null) throw Dup();
                    shape = ReadIntegers(field.Value, "shape");
                    break;
                case "data_offsets":
                    if (offsets is not null) throw Dup();
                    offsets = ReadIntegers(field.Value, "data_offsets").ToArray();
                    break;
                default:
                    throw new RgsudWeightsException(path, $"tensor '{name}': unknown field '{field.Name}'");
            }

            RgsudWeightsException Dup() => new(path, $"tensor '{name}': field '{field.Name}' is given twice");
        }

        if (dtypeName is null) throw new RgsudWeightsException(path, $"tensor '{name}': dtype is missing");
        if (shape is null) throw new RgsudWeightsException(path, $"tensor '{name}': shape is missing");
        if (offsets is null) throw new RgsudWeightsException(path, $"tensor '{name}': data_offsets is missing");
        if (!SafeTensorsDTypes.TryParse(dtypeName, out var dtype))
            throw new RgsudWeightsException(path,
                $"tensor '{name}': dtype '{dtypeName}' is unknown or unsupported (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        if (shape.Count > MaxRank)
            throw new RgsudWeightsException(path, $"tensor '{name}': rank {shape.Count} exceeds {MaxRank}");
        if (offsets.Length != 2)
            throw new RgsudWeightsException(path, $"tensor '{name}': data_offsets must hold exactly 2 integers, got {offsets.Length}");
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
            throw new RgsudWeightsException(path, $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin");
        if (end > dataLength)
            throw new RgsudWeightsException(path,
                $"tensor '{name}': data_offsets [{begin}, {end}] lie outside the data section ({dataLength} bytes; the file may be truncated)");

        long expected = SafeTensorsDTypes.SizeOf(dtype);
        try
        {
            foreach (var d in shape) expected = checked(expected * d);
        }
        catch (OverflowException)
        {
            throw new RgsudWeightsException(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] is too large");
        }
        if (end - begin != expected)
            throw new RgsudWeightsException(path,
                $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes but shape [{string.Join(", ", shape)}] × {dtypeName} needs {expected}");

        return new SafeTensorInfo(name, dtype, shape.AsReadOnly(), begin, end);

        List<long> ReadIntegers(JsonElement array, string field)
        {
            if (array.ValueKind != JsonValueKind.Array)
                throw new RgsudWeightsException(path, $"tensor '{name}': {field} must be an array of non-negative integers");
            var list = new List<long>();
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var v) || v < 0)
                    throw new RgsudWeightsException(path,
                        $"tensor '{name}': {field} must be an array of non-negative integers, found {item.GetRawText()}");
                list.Add(v);
            }
            return list;
        }
    }

    private static SafeFileHandle Open(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (FileNotFoundException ex)
        {
            throw new RgsudWeightsException(path, "file not found", innerException: ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new RgsudWeightsException(path, "file not found (its folder does not exist)", innerException: ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RgsudWeightsException(path, $"cannot open: {ex.Message}", innerException: ex);
        }
    }

    private static SafeTensorsHeader ReadHeader(SafeFileHandle handle, string path)
    {
        EnsureLittleEndian(path);
        var fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
            throw new RgsudWeightsException(path, $"file is {fileLength} bytes long, too short for a safetensors header (truncated?)");
        Span<byte> len = stackalloc byte[8];
        ReadExactly(handle, path, len, 0);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(len);
        if (headerLength > MaxHeaderLength)
            throw new RgsudWeightsException(path, $"header length {headerLength} exceeds the {MaxHeaderLength}-byte limit (not a safetensors file?)");
        if ((long)headerLength > fileLength - 8)
            throw new RgsudWeightsException(path,
                $"header length {headerLength} exceeds the {fileLength - 8} bytes after the length field (truncated or not a safetensors file)");
        var json = new byte[(int)headerLength];
        ReadExactly(handle, path, json, 8);
        return ParseHeader(path, json, fileLength - 8 - (long)headerLength);
    }

    private static Tensor ReadTensor(SafeFileHandle handle, string path, long dataStart, SafeTensorInfo info)
    {
        var tensor = empty(info.Shape.ToArray(), dtype: SafeTensorsDTypes.ToScalarType(info.DType));
        if (info.ByteLength == 0) return tensor;
        using var flat = tensor.reshape(-1);
        var elementSize = SafeTensorsDTypes.SizeOf(info.DType);
        var elementsPerChunk = ChunkBytes / elementSize;
        var count = flat.shape[0];
        for (long start = 0; start < count; start += elementsPerChunk)
        {
            var n = Math.Min(elementsPerChunk, count - start);
            using var piece = flat.narrow(0, start, n);
            var span = piece.bytes;
            ReadExactly(handle, path, span, dataStart + info.Begin + start * elementSize);
            if (info.DType == SafeTensorsDType.Bool)
            {
                var bad = span.IndexOfAnyExcept((byte)0, (byte)1);
                if (bad >= 0)
                    throw new RgsudWeightsException(path,
                        $"tensor '{info.Name}': BOOL element {start + bad} holds {span[bad]}, not 0 or 1");
            }
        }
        return tensor;
    }

    private static void ReadExactly(SafeFileHandle handle, string path, Span<byte> buffer, long offset)
    {
        try
        {
            while (buffer.Length > 0)
            {
                var n = RandomAccess.Read(handle, buffer, offset);
                if (n == 0) throw new RgsudWeightsException(path, $"unexpected end of file at byte {offset} (truncated?)");
                buffer = buffer[n..];
                offset += n;
            }
        }
        catch (IOException ex)
        {
            throw new RgsudWeightsException(path, $"cannot read: {ex.Message}", innerException: ex);
        }
    }

    private static byte[] BuildHeader(IEnumerable<(string Name, SafeTensorsDType DType, IReadOnlyList<long> Shape, long Begin, long End)> entries,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            if (metadata is not null && metadata.Count > 0)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            foreach (var e in entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", SafeTensorsDTypes.ToName(e.DType));
                json.WriteStartArray("shape");
                foreach (var d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(e.Begin);
                json.WriteNumberValue(e.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 so the data section is aligned (as the reference writer does).
        var length = buffer.Length;
        var padded = (length + 7) / 8 * 8;
        for (var i = length; i < padded; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteTensorData(Stream stream, Tensor tensor)
    {
        if (tensor.numel() == 0) return;
        using var scope = NewDisposeScope();
        var flat = tensor.detach().cpu().contiguous().reshape(-1);
        var elementSize = flat.element_size();
        var elementsPerChunk = ChunkBytes / elementSize;
        var count = flat.shape[0];
        for (long start = 0; start < count; start += elementsPerChunk)
        {
            using var piece = flat.narrow(0, start, Math.Min(elementsPerChunk, count - start));
            stream.Write(piece.bytes);
        }
    }

    private static void EnsureLittleEndian(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new RgsudWeightsException(path, "safetensors I/O needs a little-endian machine");
    }

}
