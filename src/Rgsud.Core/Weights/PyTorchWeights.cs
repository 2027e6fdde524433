using System.Collections;
using System.IO.Compression;
using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Rgsud.Weights;

/// <summary>
/// Reads PyTorch state dicts saved with <c>torch.save(model.state_dict(), path)</c> (the zip format of PyTorch
/// 1.6 and later; <c>.pth</c>, <c>.pt</c>, <c>.bin</c>). A pickle can run arbitrary code when a Python unpickler
/// loads it, so the file is checked first by Rgsud's own opcode scanner (<see cref="PickleScanner"/>): every global
/// must be one a plain state dict needs (<c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>,
/// <c>torch._utils._rebuild_parameter</c>, the <c>torch.*Storage</c> types), every call must be to one of them with
/// arguments of the right kinds, storages must exist in the archive with exactly their declared size, tensor views
/// must lie inside their storages, and the archive must hold no entry larger than the file (no compression bombs).
/// Only then does TorchSharp.PyBridge's unpickler decode the tensors, and its result is checked against the scan.
/// Every failure is an <see cref="RgsudWeightsException"/> that names the file and the reason, e.g.
/// <c>refused global 'posix.system'</c>.
/// </summary>
public static class PyTorchWeights
{
    /// <summary>Largest <c>data.pkl</c> accepted (64 MiB; a state dict's pickle is a few hundred bytes per tensor).</summary>
    public const long MaxPickleBytes = 64L << 20;

    /// <summary>Most entries accepted in the zip archive.</summary>
    public const int MaxEntries = 1 << 16;

    /// <summary>
    /// Reads every tensor of the state dict in <paramref name="path"/> onto the CPU, in file order, after the checks
    /// described on the class. The caller owns the tensors (they join the caller's dispose scope, if any).
    /// </summary>
    /// <exception cref="RgsudWeightsException">The file is missing, not a PyTorch zip file, not a plain state dict, or refused by the scan.</exception>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RgsudRuntime.EnsureInitialized();
        using var stream = Open(path);
        var expected = Scan(path, stream);

        Hashtable loaded;
        stream.Position = 0;
        try
        {
            loaded = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead: false);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or RgsudException))
        {
            throw new RgsudWeightsException(path, $"the PyTorch unpickler failed: {e.GetType().Name}: {e.Message}", innerException: e);
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            if (loaded.Count != expected.Count) throw new RgsudWeightsException(path, $"the unpickler returned {loaded.Count} entries, the scan found {expected.Count}");
            foreach (var (name, dtype, shape) in expected)
            {
                if (loaded[name] is not Tensor tensor)
                    throw new RgsudWeightsException(path, $"the unpickler returned no tensor for '{name}'");
                result.Add(name, tensor);
                if (tensor.dtype != dtype || !tensor.shape.SequenceEqual(shape))
                    throw new RgsudWeightsException(path, $"tensor '{name}' decoded as [{string.Join(", ", tensor.shape)}] {tensor.dtype}, expected [{string.Join(", ", shape)}] {dtype}");
            }
            return result;
        }
        catch
        {
            foreach (var value in loaded.Values) (value as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks <paramref name="path"/> without decoding any tensor: the zip structure, the pickle opcodes and the
    /// storages. Returns the state dict's entries (name, dtype, shape) in file order.
    /// </summary>
    /// <exception cref="RgsudWeightsException">The file is refused; the message says why.</exception>
    public static IReadOnlyList<(string Name, ScalarType DType, long[] Shape)> Inspect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = Open(path);
        return Scan(path, stream);
    }

    private static IReadOnlyList<(string Name, ScalarType DType, long[] Shape)> Scan(string path, FileStream stream)
    {
        long fileLength = stream.Length;
        Span<byte> signature = stackalloc byte[4];
        if (fileLength < 22 || stream.Read(signature) != 4 || !signature.SequenceEqual("PK\u0003\u0004"u8))
            throw new RgsudWeightsException(path, "not a PyTorch zip file (torch.save of PyTorch 1.6 or later); legacy pickles and other formats are not read");
        stream.Position = 0;

        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            throw new RgsudWeightsException(path, $"not a valid zip archive: {e.Message}", innerException: e);
        }

        using (archive)
        {
            IReadOnlyCollection<ZipArchiveEntry> entries;
            try
            {
                entries = archive.Entries;
            }
            catch (InvalidDataException e)
            {
                throw new RgsudWeightsException(path, $"not a valid zip archive: {e.Message}", innerException: e);
            }
            if (entries.Count > MaxEntries) throw new RgsudWeightsException(path, $"the archive has {entries.Count} entries, more than {MaxEntries}");
            foreach (var entry in entries)
            {
                if (entry.Length > fileLength || entry.Length < 0)
                    throw new RgsudWeightsException(path, $"archive entry '{entry.FullName}' claims {entry.Length} bytes uncompressed, more than the whole file ({fileLength}); torch.save does not compress");
            }

            // PyBridge loads the first entry whose name ends with data.pkl: there must be exactly one, so the scan sees what it loads.
            var pickles = entries.Where(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal)).ToList();
            if (pickles.Count != 1)
                throw new RgsudWeightsException(path, pickles.Count == 0 ? "the archive has no data.pkl (not a torch.save file)" : $"the archive has {pickles.Count} entries named *data.pkl");
            var pickleEntry = pickles[0];
            if (pickleEntry.Name != "data.pkl") throw new RgsudWeightsException(path, $"unexpected pickle entry '{pickleEntry.FullName}'");
            if (pickleEntry.Length > MaxPickleBytes)
                throw new RgsudWeightsException(path, $"data.pkl is {pickleEntry.Length} bytes, more than the {MaxPickleBytes}-byte limit");
            var prefix = pickleEntry.FullName[..^"data.pkl".Length];
            var pickle = ReadEntry(path, pickleEntry);

            string? CheckStorage(string key, ScalarType dtype, long elements)
            {
                var named = entries.Where(e => e.Name == key).ToList();
                var expectedName = prefix + "data/" + key;
                if (named.Count != 1 || named[0].FullName != expectedName)
                    return named.Count == 0 ? $"archive entry {expectedName} is missing" : $"{named.Count} archive entries are named {key}";
                long bytes;
                try
                {
                    bytes = checked(elements * PickleScanner.SizeOf(dtype));
                }
                catch (OverflowException)
                {
                    return $"{elements} elements is too many";
                }
                return named[0].Length == bytes ? null : $"declares {elements} {dtype} elements ({bytes} bytes) but {expectedName} holds {named[0].Length} bytes";
            }

            return PickleScanner.Scan(path, pickle, CheckStorage, maxTensorBytes: 4 * fileLength + (1 << 20));
        }
    }

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry)
    {
        try
        {
            var bytes = new byte[entry.Length];
            using var s = entry.Open();
            s.ReadExactly(bytes);
            if (s.ReadByte() != -1) throw new RgsudWeightsException(path, $"{entry.FullName} is longer than its zip header says");
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or NotSupportedException)
        {
            throw new RgsudWeightsException(path, $"cannot read {entry.FullName}: {e.Message}", innerException: e);
        }
    }

    private static FileStream Open(string path)
    {
        try
        {
            if (Directory.Exists(path)) throw new RgsudWeightsException(path, "is a directory");
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RgsudWeightsException(path, "file not found", innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RgsudWeightsException(path, $"cannot open: {e.Message}", innerException: e);
        }
    }
}
