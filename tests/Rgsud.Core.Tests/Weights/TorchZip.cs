using System.IO.Compression;
using System.Text;

namespace Rgsud.Core.Tests.Weights;

/// <summary>
/// Builds PyTorch-style zip checkpoints byte by byte: <c>archive/data.pkl</c> plus <c>archive/data/KEY</c> storages,
/// stored uncompressed like <c>torch.save</c>, and pickles written opcode by opcode (protocol 2, as torch.save).
/// </summary>
internal static class TorchZip
{
    /// <summary>Writes a zip with <paramref name="pickle"/> as data.pkl and the given storages.</summary>
    public static void Write(string path, byte[] pickle, Dictionary<string, byte[]> storages, string prefix = "archive")
    {
        using var file = new FileStream(path, FileMode.Create);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        void Add(string name, byte[] bytes)
        {
            var e = zip.CreateEntry(name, CompressionLevel.NoCompression);
            using var s = e.Open();
            s.Write(bytes);
        }
        Add($"{prefix}/data.pkl", pickle);
        Add($"{prefix}/byteorder", "little"u8.ToArray());
        foreach (var (key, bytes) in storages) Add($"{prefix}/data/{key}", bytes);
        Add($"{prefix}/version", "3\n"u8.ToArray());
    }

    /// <summary>A torch.save-like state dict file for <paramref name="entries"/>.</summary>
    public static void WriteStateDict(string path, IReadOnlyList<TorchZipEntry> entries)
    {
        var storages = entries.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => FloatBytes(g.First().Storage));
        Write(path, StateDictPickle(entries), storages);
    }

    /// <summary>
    /// The pickle torch.save writes for a state dict (protocol 2, memoised globals, an OrderedDict with a
    /// <c>_metadata</c> attribute set by BUILD, empty backward-hook OrderedDicts).
    /// </summary>
    public static byte[] StateDictPickle(IReadOnlyList<TorchZipEntry> entries)
    {
        var p = new PickleWriter();
        p.Proto(2);
        p.Global("collections", "OrderedDict"); p.BinPut(0);
        p.Op(')'); p.Op('R'); p.BinPut(1);
        p.Op('(');
        bool first = true;
        var storagePut = new Dictionary<string, int>();
        int memo = 10;
        foreach (var e in entries)
        {
            p.Unicode(e.Name);
            if (first) { p.Global("torch._utils", "_rebuild_tensor_v2"); p.BinPut(2); }
            else p.BinGet(2);
            p.Op('(');
            if (storagePut.TryGetValue(e.Key, out var m))
            {
                p.BinGet(m);
            }
            else
            {
                p.Op('(');
                p.Unicode("storage");
                p.Global("torch", e.StorageType);
                p.Unicode(e.Key);
                p.Unicode("cpu");
                p.Int(e.DeclaredElements ?? e.Storage.Length);
                p.Op('t');
                p.Op('Q');
                storagePut[e.Key] = memo;
                p.BinPut(memo++);
            }
            p.Int(e.Offset);
            p.Tuple(e.Shape);
            p.Tuple(e.Stride);
            p.Op('\u0089'); // False
            p.BinGet(0); p.Op(')'); p.Op('R'); // OrderedDict()
            p.Op('t');
            p.Op('R');
            first = false;
        }
        p.Op('u');
        // obj.__dict__ = {'_metadata': OrderedDict([('', {'version': 1})])}
        p.Op('}');
        p.Unicode("_metadata");
        p.BinGet(0); p.Op(')'); p.Op('R');
        p.Unicode("");
        p.Op('}'); p.Unicode("version"); p.Int(1); p.Op('s');
        p.Op('s');
        p.Op('s');
        p.Op('b');
        p.Op('.');
        return p.ToArray();
    }

    /// <summary>Little-endian float32 bytes.</summary>
    public static byte[] FloatBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
