using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Rgsud.Rewards.Niqe;

/// <summary>
/// Reads numpy <c>.npz</c> archives (a zip of <c>.npy</c> files, stored or deflated) and <c>.npy</c> arrays:
/// format versions 1.0, 2.0 and 3.0, C or Fortran order, float (f4, f8) and integer (i1–i8, u1–u8, b1) types of
/// either byte order. Every value is returned as float64 in C order. Malformed input is an
/// <see cref="RgsudFileException"/> that names the file, the array and what is wrong.
/// </summary>
internal static class NumpyArchive
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const long MaxElements = 1L << 28;

    /// <summary>Reads every array of an <c>.npz</c> file, keyed by name without the <c>.npy</c> extension.</summary>
    public static Dictionary<string, NpyArray> ReadNpz(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new RgsudFileException(path, "is a directory, not a .npz file");
        if (!File.Exists(path)) throw new RgsudFileException(path, "file not found");
        try
        {
            using var file = File.OpenRead(path);
            using var zip = new ZipArchive(file, ZipArchiveMode.Read);
            var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;
                var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                using var stream = entry.Open();
                result[name] = ReadNpy(stream, path, entry.FullName);
            }
            return result;
        }
        catch (InvalidDataException e)
        {
            throw new RgsudFileException(path, $"not a valid .npz (zip) archive: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RgsudFileException(path, "permission denied", e);
        }
        catch (IOException e)
        {
            throw new RgsudFileException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>Reads one <c>.npy</c> array from <paramref name="stream"/>; errors name <paramref name="path"/> and <paramref name="arrayName"/>.</summary>
    public static NpyArray ReadNpy(Stream stream, string path, string arrayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Exception Bad(string reason) => new RgsudFileException(path, $"{arrayName}: {reason}");

        var prefix = new byte[8];
        if (ReadFully(stream, prefix) < prefix.Length || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw Bad("not a .npy array (missing the \\x93NUMPY magic)");
        int major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            var len = new byte[2];
            if (ReadFully(stream, len) < 2) throw Bad("truncated header");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            var len = new byte[4];
            if (ReadFully(stream, len) < 4) throw Bad("truncated header");
            uint raw = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (raw > 1 << 20) throw Bad($"header length {raw} is implausible");
            headerLength = (int)raw;
        }
        else
        {
            throw Bad($"unsupported .npy format version {major}.{prefix[7]} (supported: 1.0, 2.0, 3.0)");
        }

        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength) throw Bad("truncated header");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        Dictionary<string, object> dict;
        try
        {
            dict = new HeaderParser(header).ParseDict();
        }
        catch (FormatException e)
        {
            throw Bad($"malformed header ({e.Message}): {header.Trim()}");
        }

        if (!dict.TryGetValue("descr", out var descrObj) || descrObj is not string descr)
            throw Bad("header has no 'descr' string (structured dtypes are not supported)");
        if (!dict.TryGetValue("fortran_order", out var fortranObj) || fortranObj is not bool fortran)
            throw Bad("header has no boolean 'fortran_order'");
        if (!dict.TryGetValue("shape", out var shapeObj) || shapeObj is not List<long> shapeList)
            throw Bad("header has no 'shape' tuple");

        var (kind, size, bigEndian) = ParseDescr(descr) ?? throw Bad($"unsupported dtype '{descr}' (supported: f4, f8, i1-i8, u1-u8, b1)");
        long count = 1;
        foreach (var d in shapeList)
        {
            if (d < 0) throw Bad($"negative dimension in shape ({string.Join(", ", shapeList)})");
            count *= d;
            if (count > MaxElements) throw Bad($"array too large ({string.Join(", ", shapeList)})");
        }
        var shape = shapeList.Select(d => (int)d).ToArray();

        var raw2 = new byte[count * size];
        int got = ReadFully(stream, raw2);
        if (got < raw2.Length) throw Bad($"truncated data: expected {raw2.Length} bytes for shape {FormatShape(shape)} of {descr}, got {got}");

        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = Decode(raw2.AsSpan((int)(i * size), size), kind, bigEndian);
        if (fortran && shape.Length > 1) values = FortranToC(values, shape);
        return new NpyArray(shape, values);
    }

    private static string FormatShape(int[] shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");

    private static double[] FortranToC(double[] f, int[] shape)
    {
        int rank = shape.Length;
        var fStride = new long[rank];
        long s = 1;
        for (int d = 0; d < rank; d++) { fStride[d] = s; s *= shape[d]; }
        var c = new double[f.Length];
        var idx = new int[rank];
        for (long k = 0; k < c.Length; k++)
        {
            long off = 0;
            for (int d = 0; d < rank; d++) off += idx[d] * fStride[d];
            c[k] = f[off];
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return c;
    }

    private static (char Kind, int Size, bool BigEndian)? ParseDescr(string descr)
    {
        if (descr.Length < 3) return null;
        char order = descr[0];
        if (order is not ('<' or '>' or '|' or '=')) return null;
        char kind = descr[1];
        if (!int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int size)) return null;
        bool ok = kind switch
        {
            'f' => size is 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'b' => size == 1,
            _ => false,
        };
        if (!ok) return null;
        bool big = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        return (kind, size, big);
    }

    private static double Decode(ReadOnlySpan<byte> b, char kind, bool big)
    {
        switch (kind, b.Length)
        {
            case ('f', 8):
                return BitConverter.Int64BitsToDouble(big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b));
            case ('f', 4):
                return BitConverter.Int32BitsToSingle(big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b));
            case ('i', 1):
                return (sbyte)b[0];
            case ('u', 1):
            case ('b', 1):
                return b[0];
            case ('i', 2):
                return big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b);
            case ('u', 2):
                return big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
            case ('i', 4):
                return big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b);
            case ('u', 4):
                return big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
            case ('i', 8):
                return big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b);
            default:
                return big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
        }
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
