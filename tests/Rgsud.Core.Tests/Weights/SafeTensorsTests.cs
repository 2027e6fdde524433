using System.Buffers.Binary;
using System.Text;
using Rgsud.Testing;
using Rgsud.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Weights;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RoundTrip_KeepsNamesOrderShapesDtypesValuesAndMetadata()
    {
        using var scope = NewDisposeScope();
        var source = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(2, 3, 4),
            ["f64"] = randn(5, dtype: ScalarType.Float64),
            ["i64"] = arange(-3, 7, dtype: ScalarType.Int64).reshape(2, 5),
            ["i32"] = tensor(new[] { int.MinValue, 0, int.MaxValue }),
            ["f16"] = randn(3, 2).to(ScalarType.Float16),
            ["bf16"] = randn(4).to(ScalarType.BFloat16),
            ["u8"] = tensor(new byte[] { 0, 1, 255 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(3.5f),
            ["empty"] = zeros(0, 4),
            ["channels_last"] = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32).reshape(2, 3, 4, 5).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
        };
        var file = _dir.File("all.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" };

        SafeTensors.Write(file, source, metadata);
        var header = SafeTensors.ReadHeader(file);
        var read = SafeTensors.Read(file);

        Assert.Equal(source.Keys, read.Keys);
        Assert.Equal(source.Keys, header.Tensors.Select(t => t.Name));
        Assert.Equal(metadata, header.Metadata);
        Assert.Equal(0, header.DataStart % 8);
        foreach (var (name, expected) in source)
        {
            var actual = read[name];
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(actual.is_contiguous());
            Assert.True(expected.eq(actual).all().item<bool>(), name);
        }
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void RoundTrip_TensorLargerThanOneCopyChunk()
    {
        // 20 M float32 = 80 MB: read and written in two 64 MB pieces.
        using var scope = NewDisposeScope();
        var big = arange(20_000_000, dtype: ScalarType.Float32).reshape(5, 4_000_000);
        var file = _dir.File("big.safetensors");
        SafeTensors.Write(file, [new("small", ones(3, dtype: ScalarType.Int64)), new("big", big)]);
        var read = SafeTensors.Read(file);
        Assert.True(read["big"].eq(big).all().item<bool>());
        Assert.Equal(19_999_999f, read["big"][4, 3_999_999].item<float>());
    }

    [Fact]
    public void Write_OverwritesAtomicallyAndLeavesNoTemporaryFile()
    {
        using var scope = NewDisposeScope();
        var file = _dir.File("w.safetensors");
        SafeTensors.Write(file, [new("a", ones(3))]);
        SafeTensors.Write(file, [new("b", zeros(2, dtype: ScalarType.Int64))]);

        var read = SafeTensors.Read(file);
        Assert.Equal(["b"], read.Keys);
        Assert.Equal(new[] { "w.safetensors" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_RejectsDuplicateAndReservedNames()
    {
        using var scope = NewDisposeScope();
        var file = _dir.File("bad.safetensors");
        var dup = Assert.Throws<RgsudWeightsException>(() => SafeTensors.Write(file, [new("a", ones(1)), new("a", ones(1))]));
        Assert.Contains("'a' is given twice", dup.Reason, StringComparison.Ordinal);
        var reserved = Assert.Throws<RgsudWeightsException>(() => SafeTensors.Write(file, [new("__metadata__", ones(1))]));
        Assert.Contains("__metadata__", reserved.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Read_SelectedNamesOnly()
    {
        using var scope = NewDisposeScope();
        var file = _dir.File("sel.safetensors");
        SafeTensors.Write(file, [new("a", ones(2)), new("b", zeros(3))]);
        var read = SafeTensors.Read(file, n => n == "b");
        Assert.Equal(["b"], read.Keys);
    }

    [Fact]
    public void MissingFile_NamesTheFile()
    {
        var file = _dir.File("nope.safetensors");
        var ex = Assert.Throws<RgsudWeightsException>(() => SafeTensors.ReadHeader(file));
        Assert.Equal(file, ex.FilePath);
        Assert.Equal("file not found", ex.Reason);
        Assert.StartsWith(file + ": ", ex.Message, StringComparison.Ordinal);
    }

    // Each malformed file: (case name, raw header text or null for raw bytes, data length, expected reason fragment).
    public static TheoryData<string, string, int, string> MalformedHeaders() => new()
    {
        { "non-JSON", "{not json at all}", 0, "header is not valid JSON" },
        { "not an object", "[1, 2]", 0, "must start with '{'" },
        { "trailing comma", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},}""", 4, "header is not valid JSON" },
        { "comment", """{/* c */ "a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "header is not valid JSON" },
        { "offsets past EOF", """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "tensor 'a': data_offsets [0, 16] lie outside the data section (8 bytes" },
        { "overlapping", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "tensor 'b' (bytes 4..12) overlaps tensor 'a' (bytes 0..8)" },
        { "hole", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "bytes 4..8 of the data section belong to no tensor" },
        { "trailing data", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 12, "8 trailing bytes belong to no tensor" },
        { "wrong byte length", """{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20, "tensor 'a': data_offsets [0, 20] span 20 bytes but shape [2, 3] × F32 needs 24" },
        { "end before begin", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", 8, "tensor 'a': data_offsets [8, 4] end before they begin" },
        { "bad dtype", """{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a': dtype 'F33' is unknown or unsupported" },
        { "unsupported dtype", """{"a":{"dtype":"U16","shape":[1],"data_offsets":[0,2]}}""", 2, "tensor 'a': dtype 'U16' is unknown or unsupported" },
        { "lowercase dtype", """{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a': dtype 'f32' is unknown or unsupported" },
        { "negative dim", """{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "tensor 'a': shape must be an array of non-negative integers, found -1" },
        { "fractional dim", """{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", 4, "tensor 'a': shape must be an array of non-negative integers, found 1.5" },
        { "string dim", """{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}""", 4, "tensor 'a': shape must be an array of non-negative integers" },
        { "three offsets", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", 4, "tensor 'a': data_offsets must hold exactly 2 integers, got 3" },
        { "shape overflow", """{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", 8, "tensor 'a': shape [4294967296, 4294967296] is too large" },
        { "missing dtype", """{"a":{"shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a': dtype is missing" },
        { "missing offsets", """{"a":{"dtype":"F32","shape":[1]}}""", 4, "tensor 'a': data_offsets is missing" },
        { "unknown field", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}""", 4, "tensor 'a': unknown field 'x'" },
        { "duplicate field", """{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a': field 'dtype' is given twice" },
        { "duplicate tensor", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "header names 'a' twice" },
        { "entry not object", """{"a":[1]}""", 0, "tensor 'a': entry must be an object" },
        { "metadata not strings", """{"__metadata__":{"k":1}}""", 0, "'__metadata__' entry 'k' must be a string" },
        { "empty name", """{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "a tensor has an empty name" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void MalformedHeader_GivesWeightsExceptionWithReason(string caseName, string header, int dataLength, string reason)
    {
        var file = _dir.File(caseName.Replace(' ', '-') + ".safetensors");
        File.WriteAllBytes(file, Craft(Encoding.UTF8.GetBytes(header), new byte[dataLength]));

        var ex = Assert.Throws<RgsudWeightsException>(() => SafeTensors.Read(file));
        Assert.Equal(file, ex.FilePath);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Equal($"{file}: {ex.Reason}", ex.Message);
    }

    [Fact]
    public void HugeHeaderLength_IsRejectedBeforeAllocating()
    {
        var file = _dir.File("huge.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        File.WriteAllBytes(file, bytes);
        var ex = Assert.Throws<RgsudWeightsException>(() => SafeTensors.ReadHeader(file));
        Assert.Contains("exceeds the 100000000-byte limit", ex.Reason, StringComparison.Ordinal);

        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 50_000_000);
        File.WriteAllBytes(file, bytes);
        ex = Assert.Throws<RgsudWeightsException>(() => SafeTensors.ReadHeader(file));
        Assert.Contains("header length 50000000 exceeds the 8 bytes after the length field", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFiles_AreRejected()
    {
        using var scope = NewDisposeScope();
        var file = _dir.File("t.safetensors");
        File.WriteAllBytes(file, [1, 2, 3]);
        var ex = Assert.Throws<RgsudWeightsException>(() => SafeTensors.ReadHeader(file));
        Assert.Contains("too short for a safetensors header", ex.Reason, StringComparison.Ordinal);

        SafeTensors.Write(file, [new("a", ones(4)), new("w", ones(16))]);
        var full = File.ReadAllBytes(file);
        File.WriteAllBytes(file, full[..^10]);
        ex = Assert.Throws<RgsudWeightsException>(() => SafeTensors.Read(file));
        Assert.Contains("tensor 'w': data_offsets [16, 80] lie outside the data section (70 bytes; the file may be truncated)", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8Header_IsRejected()
    {
        var file = _dir.File("utf8.safetensors");
        File.WriteAllBytes(file, Craft([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []));
        var ex = Assert.Throws<RgsudWeightsException>(() => SafeTensors.ReadHeader(file));
        Assert.Equal("header is not valid UTF-8", ex.Reason);
    }

    [Fact]
    public void BoolOtherThanZeroOrOne_IsRejected()
    {
        var file = _dir.File("bool.safetensors");
        File.WriteAllBytes(file, Craft(Encoding.UTF8.GetBytes("""{"flags":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}"""), [0, 1, 2]));
        var ex = Assert.Throws<RgsudWeightsException>(() => SafeTensors.Read(file));
        Assert.Equal("tensor 'flags': BOOL element 2 holds 2, not 0 or 1", ex.Reason);
    }

    [Fact]
    public void HeaderPaddedWithSpaces_AndZeroSizedTensors_AreAccepted()
    {
        var file = _dir.File("pad.safetensors");
        var header = """{"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"a":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}    """;
        File.WriteAllBytes(file, Craft(Encoding.UTF8.GetBytes(header), BitConverter.GetBytes(42)));
        using var scope = NewDisposeScope();
        var read = SafeTensors.Read(file);
        Assert.Equal(new long[] { 0, 3 }, read["e"].shape);
        Assert.Equal(42, read["a"].item<int>());
    }

    [SharedDataFact]
    public void SharedPReNetWeights_HeaderIsValid()
    {
        var header = SafeTensors.ReadHeader(SharedData.Path("weights", "prenet6-rain100l.safetensors"));
        Assert.Equal(32, header.Tensors.Count);
        Assert.All(header.Tensors, t => Assert.Equal(SafeTensorsDType.F32, t.DType));
        Assert.Equal(168_963L, header.Tensors.Sum(t => t.ElementCount));
        Assert.Equal(new long[] { 32, 6, 3, 3 }, header.ByName["conv0.0.weight"].Shape);
    }

    private static byte[] Craft(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }
}
