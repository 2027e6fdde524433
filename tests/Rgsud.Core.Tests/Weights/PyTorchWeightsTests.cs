using System.IO.Compression;
using System.Text;
using Rgsud.Testing;
using Rgsud.Weights;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Core.Tests.Weights;

/// <summary>
/// Issue 8, untrusted weights: PyTorch <c>.pth</c> state dicts load only through Rgsud's pickle opcode scanner, which
/// refuses any global a state dict does not need before TorchSharp.PyBridge's unpickler sees the file.
/// </summary>
public sealed class PyTorchWeightsTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static Module<Tensor, Tensor> Net() =>
        Sequential(("conv", Conv2d(3, 2, 1)), ("bn", BatchNorm2d(2)), ("head", Linear(2, 3)));

    private string Marker => dir.File("pwned");

    /// <summary>A zip checkpoint whose data.pkl is <paramref name="pickle"/>.</summary>
    private string Crafted(string name, byte[] pickle, Dictionary<string, byte[]>? storages = null)
    {
        var path = dir.File(name);
        TorchZip.Write(path, pickle, storages ?? []);
        return path;
    }

    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    private static byte[] Command(string text)
    {
        var b = Encoding.UTF8.GetBytes(text);
        return [(byte)'X', .. BitConverter.GetBytes(b.Length), .. b];
    }

    [Fact]
    public void A_pickle_that_calls_os_system_is_refused_and_nothing_runs()
    {
        // GLOBAL 'os system', the command, TUPLE1, REDUCE: what pickle.dumps of a __reduce__ exploit produces.
        var pickle = (byte[])[.. Bytes("\u0080\u0002cos\nsystem\nq\u0000"), .. Command($"touch {Marker}"), .. Bytes("q\u0001\u0085q\u0002Rq\u0003.")];
        var path = Crafted("evil.pth", pickle);

        using var net = Net();
        var before = Snapshot(net);
        var e = Assert.Throws<RgsudWeightsException>(() => ModuleWeights.LoadPyTorch(net, path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith("refused global 'os.system' (GLOBAL)", e.Reason, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Throws<RgsudWeightsException>(() => PyTorchWeights.Read(path));
        Assert.False(File.Exists(Marker));
        Assert.Equal(before, Snapshot(net));
    }

    public static TheoryData<string, string, string> Exploits => new()
    {
        // name, pickle (latin-1, with {cmd} for the command string opcode), expected reason prefix
        { "posix.system", "\u0080\u0002cposix\nsystem\n{cmd}\u0085R.", "refused global 'posix.system' (GLOBAL)" },
        { "stack-global", "\u0080\u0004\u008c\u0002os\u0094\u008c\u0006system\u0094\u0093{cmd}\u0085R.", "refused global 'os.system' (STACK_GLOBAL)" },
        { "inst", "({cmd}ios\nsystem\n.", "refused global 'os.system' (INST)" },
        { "eval", "\u0080\u0002cbuiltins\neval\n{cmd}\u0085R.", "refused global 'builtins.eval' (GLOBAL)" },
        { "py2-exec", "\u0080\u0002c__builtin__\nexec\n{cmd}\u0085R.", "refused global '__builtin__.exec' (GLOBAL)" },
        { "popen-newobj", "\u0080\u0002csubprocess\nPopen\n{cmd}\u0085\u0081.", "refused global 'subprocess.Popen' (GLOBAL)" },
        { "getattr", "\u0080\u0002cbuiltins\ngetattr\n.", "refused global 'builtins.getattr' (GLOBAL)" },
        { "ext1", "\u0080\u0002\u0082\u0001{cmd}\u0085R.", "EXT1 at byte 2 refers to the copyreg extension registry" },
        { "stack-global-from-memo-trick", "\u0080\u0004\u008c\u0002os\u0094N\u0093.", "STACK_GLOBAL at byte 8 takes its module and name from a string 'os' and a none" },
        { "call-a-storage", "\u0080\u0002ctorch\nFloatStorage\n)R.", "REDUCE calls a global torch.FloatStorage, which is not an allowed callable" },
        { "rebuild-without-storage", "\u0080\u0002ctorch._utils\n_rebuild_tensor_v2\n(K\u0000K\u0000)))\u0089NtR.", "torch._utils._rebuild_tensor_v2 is given a integer 0 instead of a storage" },
        { "build-on-a-plain-dict", "\u0080\u0002}}b.", "BUILD at byte 4 sets the state of a dict from a dict" },
    };

    [Theory]
    [MemberData(nameof(Exploits))]
    public void Crafted_pickles_are_refused_naming_the_global_or_opcode(string name, string pickle, string reason)
    {
        var bytes = Bytes(pickle.Replace("{cmd}", "\u0001CMD\u0001", StringComparison.Ordinal));
        // Splice the real command string opcode in place of the placeholder.
        int at = bytes.AsSpan().IndexOf(Bytes("\u0001CMD\u0001"));
        if (at >= 0) bytes = [.. bytes[..at], .. Command($"touch {Marker}"), .. bytes[(at + 5)..]];
        var path = Crafted(name + ".pth", bytes);
        var e = Assert.Throws<RgsudWeightsException>(() => PyTorchWeights.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(reason, e.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void A_forbidden_global_hidden_inside_an_otherwise_valid_state_dict_is_refused()
    {
        // A real-looking state dict whose backward-hooks argument is built by builtins.exec.
        var good = TorchZip.StateDictPickle([new("w", "0", [1f, 2f], [2], [1])]);
        var hooks = Bytes("h\u0000)R"); // BINGET 0 (OrderedDict), EMPTY_TUPLE, REDUCE
        int at = good.AsSpan().IndexOf(hooks);
        Assert.True(at > 0);
        var evil = (byte[])[.. good[..at], .. Bytes("cbuiltins\nexec\n"), .. Command("import os"), (byte)0x85, (byte)'R', .. good[(at + hooks.Length)..]];
        var path = Crafted("hidden.pth", evil, new() { ["0"] = TorchZip.FloatBytes([1f, 2f]) });
        var e = Assert.Throws<RgsudWeightsException>(() => PyTorchWeights.Read(path));
        Assert.StartsWith("refused global 'builtins.exec'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_torch_save_style_state_dict_loads_into_a_module_with_strict_checks()
    {
        using var net = Sequential(("fc", Linear(3, 2)));
        var w = Enumerable.Range(0, 6).Select(i => i * 0.5f).ToArray();
        var b = new[] { -1f, 2f };
        var path = dir.File("fc.pth");
        TorchZip.WriteStateDict(path,
        [
            new("fc.weight", "0", w, [2, 3], [3, 1]),
            new("fc.bias", "1", b, [2], [1]),
        ]);

        Assert.Equal(["fc.weight", "fc.bias"], PyTorchWeights.Inspect(path).Select(t => t.Name));
        var result = ModuleWeights.LoadPyTorch(net, path);
        Assert.Equal(["fc.weight", "fc.bias"], result.Loaded);
        var sd = net.state_dict();
        Assert.Equal(w, sd["fc.weight"].detach().contiguous().data<float>().ToArray());
        Assert.Equal(b, sd["fc.bias"].detach().contiguous().data<float>().ToArray());

        // Strict: a module with another shape is refused, naming the tensor, and left unchanged.
        using var other = Sequential(("fc", Linear(3, 4)));
        var before = Snapshot(other);
        var e = Assert.Throws<RgsudWeightsException>(() => ModuleWeights.LoadPyTorch(other, path));
        Assert.Contains(e.Mismatched, m => m.StartsWith("fc.weight: file [2, 3] Float32 vs module [4, 3]", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(other));
    }

    [Fact]
    public void A_state_dict_saved_by_PyBridge_round_trips_through_the_scanner()
    {
        using var source = Net();
        using (no_grad())
        {
            foreach (var (_, t) in source.state_dict())
                if (t.is_floating_point()) t.copy_(randn_like(t));
                else t.fill_(5);
        }
        var path = dir.File("pybridge.pth");
        PyTorchPickler.PickleStateDict(path, source.state_dict());

        using var target = Net();
        var result = ModuleWeights.LoadPyTorch(target, path);
        Assert.Equal(source.state_dict().Keys.Order(StringComparer.Ordinal), result.Loaded.Order(StringComparer.Ordinal));
        foreach (var (name, t) in target.state_dict())
            Assert.True(t.eq(source.state_dict()[name]).all().item<bool>(), name);
        Assert.Equal(ScalarType.Int64, PyTorchWeights.Inspect(path).Single(t => t.Name == "bn.num_batches_tracked").DType);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "garbage", "not a PyTorch zip file" },
        { "empty", "not a PyTorch zip file" },
        { "truncated-zip", "not a valid zip archive" },
        { "no-pickle", "the archive has no data.pkl" },
        { "two-pickles", "the archive has 2 entries named *data.pkl" },
        { "storage-size", "storage '0': declares 4 Float32 elements (16 bytes) but archive/data/0 holds 8 bytes" },
        { "storage-missing", "storage '7': archive entry archive/data/7 is missing" },
        { "view-outside", "torch._utils._rebuild_tensor_v2: a tensor of size [2, 2], stride [2, 1] at offset 1 reaches element 4 of storage '0', which has 4" },
        { "offset-view", "is a partial or non-contiguous view of storage '0' (3 elements)" },
        { "transposed-view", "the tensor of size [2, 2], stride [1, 2] at offset 0 is a partial or non-contiguous view" },
        { "not-a-state-dict", "state dict entry 'epoch' is a integer 5, not a tensor" },
        { "list-on-top", "the pickle holds a list, not a state dict" },
        { "truncated-pickle", "the pickle ends without a STOP opcode (truncated?)" },
        { "bomb-entry", "claims" },
        { "directory", "is a directory" },
        { "missing", "file not found" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_files_are_a_typed_error_naming_the_file(string kind, string reason)
    {
        var path = dir.File(kind + ".pth");
        var good = TorchZip.StateDictPickle([new("w", "0", [1f, 2f, 3f, 4f], [2, 2], [2, 1])]);
        var storage = new Dictionary<string, byte[]> { ["0"] = TorchZip.FloatBytes([1f, 2f, 3f, 4f]) };
        switch (kind)
        {
            case "garbage": File.WriteAllText(path, "this is not a zip file at all, just some text that is long enough"); break;
            case "empty": File.WriteAllBytes(path, []); break;
            case "truncated-zip":
                TorchZip.Write(path, good, storage);
                var all = File.ReadAllBytes(path);
                File.WriteAllBytes(path, all[..(all.Length / 2)]);
                break;
            case "no-pickle":
                using (var z = new ZipArchive(new FileStream(path, FileMode.Create), ZipArchiveMode.Create))
                    using (var s = z.CreateEntry("archive/version").Open()) s.Write("3"u8);
                break;
            case "two-pickles":
                using (var z = new ZipArchive(new FileStream(path, FileMode.Create), ZipArchiveMode.Create))
                {
                    using (var s = z.CreateEntry("archive/data.pkl").Open()) s.Write(good);
                    using (var s = z.CreateEntry("evil/xdata.pkl").Open()) s.Write(good);
                }
                break;
            case "storage-size": TorchZip.Write(path, good, new() { ["0"] = TorchZip.FloatBytes([1f, 2f]) }); break;
            case "storage-missing": TorchZip.WriteStateDict(path, [new("w", "0", [1f], [1], [1])]); RenameStorage(path, "0", "7"); break;
            case "view-outside": TorchZip.WriteStateDict(path, [new("w", "0", [1f, 2f, 3f, 4f], [2, 2], [2, 1], Offset: 1)]); break;
            case "offset-view": TorchZip.WriteStateDict(path, [new("b", "0", [9f, 1f, 2f], [2], [1], Offset: 1)]); break;
            case "transposed-view": TorchZip.WriteStateDict(path, [new("w", "0", [1f, 2f, 3f, 4f], [2, 2], [1, 2])]); break;
            case "not-a-state-dict":
                TorchZip.Write(path, Bytes("\u0080\u0002}X\u0005\u0000\u0000\u0000epochK\u0005s."), []);
                break;
            case "list-on-top": TorchZip.Write(path, Bytes("\u0080\u0002]."), []); break;
            case "truncated-pickle": TorchZip.Write(path, good[..^1], storage); break;
            case "bomb-entry":
                using (var z = new ZipArchive(new FileStream(path, FileMode.Create), ZipArchiveMode.Create))
                {
                    using (var s = z.CreateEntry("archive/data.pkl").Open()) s.Write(good);
                    using (var s = z.CreateEntry("archive/data/0", CompressionLevel.Optimal).Open()) s.Write(new byte[4 << 20]);
                }
                break;
            case "directory": Directory.CreateDirectory(path); break;
            case "missing": break;
        }
        var e = Assert.Throws<RgsudWeightsException>(() => PyTorchWeights.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Rewrites the pickle so its persistent id names another storage key.</summary>
    private static void RenameStorage(string path, string from, string to)
    {
        var pickle = TorchZip.StateDictPickle([new("w", to, [1f], [1], [1])]);
        TorchZip.Write(path, pickle, new() { [from] = TorchZip.FloatBytes([1f]) });
    }

    private static float[] Snapshot(Module module) =>
        module.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();
}
