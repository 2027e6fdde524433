using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace Rgsud.Weights;

/// <summary>
/// Walks the opcodes of a PyTorch <c>data.pkl</c> (pickle protocols 0–5) on a simulated stack, without running
/// anything, and refuses the file unless it is a plain state dict: every GLOBAL, STACK_GLOBAL and INST must name an
/// allowlisted global, every call (REDUCE, NEWOBJ, OBJ, INST) must call an allowlisted callable with arguments of
/// the expected kinds, persistent ids must name existing storages of the right size, every tensor view must lie
/// inside its storage, and the result must map names to tensors. Extension-registry opcodes (EXT1/2/4) and
/// out-of-band buffers are refused. Only after this scan may a real unpickler see the bytes.
/// </summary>
internal sealed class PickleScanner
{
    /// <summary>Callables a state dict needs, with what they build.</summary>
    internal static readonly IReadOnlySet<string> AllowedCallables = new HashSet<string>(StringComparer.Ordinal)
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
    };

    /// <summary>Storage classes allowed inside persistent ids (never called), with their element types.</summary>
    internal static readonly IReadOnlyDictionary<string, ScalarType> StorageTypes = new Dictionary<string, ScalarType>(StringComparer.Ordinal)
    {
        ["torch.DoubleStorage"] = ScalarType.Float64,
        ["torch.FloatStorage"] = ScalarType.Float32,
        ["torch.HalfStorage"] = ScalarType.Float16,
        ["torch.BFloat16Storage"] = ScalarType.BFloat16,
        ["torch.LongStorage"] = ScalarType.Int64,
        ["torch.IntStorage"] = ScalarType.Int32,
        ["torch.ShortStorage"] = ScalarType.Int16,
        ["torch.CharStorage"] = ScalarType.Int8,
        ["torch.ByteStorage"] = ScalarType.Byte,
        ["torch.BoolStorage"] = ScalarType.Bool,
    };

    private const int MaxDepth = 1 << 20;
    private const int MaxMemo = 1 << 20;
    private const int MaxLine = 1 << 16;

    private readonly string path;
    private readonly byte[] data;
    private readonly Func<string, ScalarType, long, string?> checkStorage;
    private readonly long maxTensorBytes;
    private readonly List<PickleValue> stack = [];
    private readonly Dictionary<long, PickleValue> memo = [];
    private readonly Dictionary<string, PickleValue> storages = new(StringComparer.Ordinal);
    private long tensorBytes;
    private int pos;

    private PickleScanner(string path, byte[] data, Func<string, ScalarType, long, string?> checkStorage, long maxTensorBytes)
    {
        this.path = path;
        this.data = data;
        this.checkStorage = checkStorage;
        this.maxTensorBytes = maxTensorBytes;
    }

    /// <summary>
    /// Scans <paramref name="pickle"/> (the bytes of <c>data.pkl</c>). <paramref name="checkStorage"/> validates a
    /// storage (key, element type, element count) against the archive and returns the problem, or null.
    /// Returns the state dict's entries in file order.
    /// </summary>
    /// <exception cref="RgsudWeightsException">The pickle is not a plain state dict, or is malformed; the message names the file and what was refused.</exception>
    public static IReadOnlyList<(string Name, ScalarType DType, long[] Shape)> Scan(string path, byte[] pickle,
        Func<string, ScalarType, long, string?> checkStorage, long maxTensorBytes)
    {
        var scanner = new PickleScanner(path, pickle, checkStorage, maxTensorBytes);
        var result = scanner.Run();
        if (result.Kind != PickleValueKind.Dict)
            throw scanner.Refuse($"the pickle holds a {result}, not a state dict (a dict of tensors); save model.state_dict()");
        var entries = new List<(string, ScalarType, long[])>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in result.Entries!)
        {
            if (key.Kind != PickleValueKind.String) throw scanner.Refuse($"the state dict has a key that is a {key}, not a string");
            if (value.Kind != PickleValueKind.Tensor)
                throw scanner.Refuse($"state dict entry '{key.Text}' is a {value}, not a tensor (a full checkpoint rather than a state dict?)");
            if (!names.Add(key.Text!)) throw scanner.Refuse($"state dict entry '{key.Text}' is given twice");
            entries.Add((key.Text!, value.DType, value.Shape!));
        }
        return entries;
    }

    private PickleValue Run()
    {
        while (true)
        {
            if (pos >= data.Length) throw Refuse("the pickle ends without a STOP opcode (truncated?)");
            int at = pos;
            byte op = data[pos++];
            switch (op)
            {
                case 0x80: // PROTO
                    if (ReadByte() > 5) throw Refuse($"pickle protocol {data[pos - 1]} is not supported");
                    break;
                case 0x95: // FRAME
                    ReadBytes(8);
                    break;
                case (byte)'.': // STOP
                    if (stack.Count != 1 || stack[0].Kind == PickleValueKind.Mark) throw Refuse("the pickle does not end with exactly one value");
                    return stack[0];
                case (byte)'(': Push(PickleValue.Mark); break;
                case (byte)'0': Pop(); break;
                case (byte)'1': PopToMark(); break;
                case (byte)'2': Push(Top()); break;
                case (byte)'N': Push(PickleValue.NoneValue); break;
                case 0x88: Push(PickleValue.Bool(true)); break;
                case 0x89: Push(PickleValue.Bool(false)); break;
                case (byte)'I': Push(ParseIntLine(ReadLine())); break;
                case (byte)'L': Push(PickleValue.Int(ParseLong(ReadLine().TrimEnd('L')))); break;
                case (byte)'J': Push(PickleValue.Int(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)))); break;
                case (byte)'K': Push(PickleValue.Int(ReadByte())); break;
                case (byte)'M': Push(PickleValue.Int(BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)))); break;
                case 0x8a: Push(PickleValue.Int(LittleEndianInteger(ReadBytes(ReadByte())))); break; // LONG1
                case 0x8b: Push(PickleValue.Int(LittleEndianInteger(ReadBytes(ReadLength(4))))); break; // LONG4
                case (byte)'F': ReadLine(); Push(PickleValue.FloatValue); break;
                case (byte)'G': ReadBytes(8); Push(PickleValue.FloatValue); break;
                case (byte)'S': Push(PickleValue.Str(Unquote(ReadLine()))); break; // STRING
                case (byte)'T': Push(PickleValue.Str(Encoding.Latin1.GetString(ReadBytes(ReadLength(4))))); break; // BINSTRING
                case (byte)'U': Push(PickleValue.Str(Encoding.Latin1.GetString(ReadBytes(ReadByte())))); break; // SHORT_BINSTRING
                case (byte)'V': Push(PickleValue.Str(ReadLine())); break; // UNICODE
                case (byte)'X': Push(PickleValue.Str(Utf8(ReadBytes(ReadLength(4))))); break; // BINUNICODE
                case 0x8c: Push(PickleValue.Str(Utf8(ReadBytes(ReadByte())))); break; // SHORT_BINUNICODE
                case 0x8d: Push(PickleValue.Str(Utf8(ReadBytes(ReadLength(8))))); break; // BINUNICODE8
                case (byte)'B': ReadBytes(ReadLength(4)); Push(PickleValue.BytesValue); break; // BINBYTES
                case (byte)'C': ReadBytes(ReadByte()); Push(PickleValue.BytesValue); break; // SHORT_BINBYTES
                case 0x8e: ReadBytes(ReadLength(8)); Push(PickleValue.BytesValue); break; // BINBYTES8
                case 0x96: ReadBytes(ReadLength(8)); Push(PickleValue.BytesValue); break; // BYTEARRAY8
                case (byte)')': Push(PickleValue.Tuple([])); break;
                case (byte)'t': Push(PickleValue.Tuple(PopToMark())); break;
                case 0x85: Push(PickleValue.Tuple([Pop()])); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(PickleValue.Tuple([a, b])); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(PickleValue.Tuple([a, b, c])); break; }
                case (byte)']': Push(PickleValue.NewList()); break;
                case (byte)'l': Push(PickleValue.NewList(PopToMark())); break;
                case (byte)'a': { var v = Pop(); ListTarget("APPEND").Items!.Add(v); break; }
                case (byte)'e': { var items = PopToMark(); ListTarget("APPENDS").Items!.AddRange(items); break; }
                case (byte)'}': Push(PickleValue.NewDict()); break;
                case (byte)'d': { var d = PickleValue.NewDict(); AddPairs(d, PopToMark(), "DICT"); Push(d); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); DictTarget("SETITEM").Entries!.Add(new(k, v)); break; }
                case (byte)'u': { var items = PopToMark(); AddPairs(DictTarget("SETITEMS"), items, "SETITEMS"); break; }
                case 0x8f: Push(PickleValue.NewSet()); break; // EMPTY_SET
                case 0x90: { var items = PopToMark(); SetTarget().Items!.AddRange(items); break; } // ADDITEMS
                case 0x91: Push(PickleValue.NewSet(PopToMark())); break; // FROZENSET
                case (byte)'p': Memoize(ParseLong(ReadLine())); break; // PUT
                case (byte)'q': Memoize(ReadByte()); break; // BINPUT
                case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))); break; // LONG_BINPUT
                case 0x94: Memoize(memo.Count); break; // MEMOIZE
                case (byte)'g': Push(Recall(ParseLong(ReadLine()))); break; // GET
                case (byte)'h': Push(Recall(ReadByte())); break; // BINGET
                case (byte)'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET
                case (byte)'c': // GLOBAL
                {
                    var module = ReadLine();
                    var name = ReadLine();
                    Push(CheckGlobal(module, name, "GLOBAL"));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop();
                    var module = Pop();
                    if (module.Kind != PickleValueKind.String || name.Kind != PickleValueKind.String)
                        throw Refuse($"STACK_GLOBAL at byte {at} takes its module and name from a {module} and a {name}, not two strings");
                    Push(CheckGlobal(module.Text!, name.Text!, "STACK_GLOBAL"));
                    break;
                }
                case (byte)'i': // INST
                {
                    var module = ReadLine();
                    var name = ReadLine();
                    var cls = CheckGlobal(module, name, "INST");
                    Push(Call(cls, PickleValue.Tuple(PopToMark()), "INST"));
                    break;
                }
                case (byte)'o': // OBJ
                {
                    var items = PopToMark();
                    if (items.Count == 0) throw Refuse($"OBJ at byte {at} has no class");
                    Push(Call(items[0], PickleValue.Tuple(items.GetRange(1, items.Count - 1)), "OBJ"));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop();
                    var callable = Pop();
                    Push(Call(callable, args, "REDUCE"));
                    break;
                }
                case 0x81: // NEWOBJ
                {
                    var args = Pop();
                    var cls = Pop();
                    Push(Call(cls, args, "NEWOBJ"));
                    break;
                }
                case 0x92: // NEWOBJ_EX
                {
                    var kwargs = Pop();
                    var args = Pop();
                    var cls = Pop();
                    if (kwargs.Kind != PickleValueKind.Dict || kwargs.Entries!.Count > 0) throw Refuse($"NEWOBJ_EX at byte {at} passes keyword arguments");
                    Push(Call(cls, args, "NEWOBJ_EX"));
                    break;
                }
                case (byte)'b': // BUILD
                {
                    var state = Pop();
                    var target = Top();
                    if (target.Kind != PickleValueKind.Dict || target.QualifiedName != "collections.OrderedDict" ||
                        state.Kind is not (PickleValueKind.Dict or PickleValueKind.None))
                        throw Refuse($"BUILD at byte {at} sets the state of a {target} from a {state}; only an OrderedDict's attribute dict is allowed");
                    break;
                }
                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop(), at));
                    break;
                case (byte)'P': // PERSID
                    throw Refuse($"PERSID at byte {at}: text persistent ids are not used by torch.save");
                case 0x82 or 0x83 or 0x84:
                    throw Refuse($"EXT{(op == 0x82 ? 1 : op == 0x83 ? 2 : 4)} at byte {at} refers to the copyreg extension registry (an arbitrary global)");
                case 0x97 or 0x98:
                    throw Refuse($"out-of-band buffer opcode 0x{op:x2} at byte {at}");
                default:
                    throw Refuse($"unknown pickle opcode 0x{op:x2} at byte {at}");
            }
        }
    }

    private PickleValue CheckGlobal(string module, string name, string opcode)
    {
        var qualified = $"{module}.{name}";
        if (AllowedCallables.Contains(qualified) || StorageTypes.ContainsKey(qualified)) return PickleValue.Global(qualified);
        throw Refuse($"refused global '{qualified}' ({opcode}): only the globals of a plain state dict are allowed " +
            "(collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, torch.*Storage)");
    }

    private PickleValue Call(PickleValue callable, PickleValue args, string opcode)
    {
        if (callable.Kind != PickleValueKind.Global || !AllowedCallables.Contains(callable.QualifiedName!))
            throw Refuse($"{opcode} calls a {callable}, which is not an allowed callable");
        if (args.Kind != PickleValueKind.Tuple) throw Refuse($"{opcode} of {callable.QualifiedName} passes a {args} instead of an argument tuple");
        var a = args.Items!;
        switch (callable.QualifiedName)
        {
            case "collections.OrderedDict":
            {
                // OrderedDict() or OrderedDict(pairs), pairs being a tuple or list of 2-item tuples or lists.
                var dict = PickleValue.NewDict("collections.OrderedDict");
                if (a.Count == 0) return dict;
                if (a.Count != 1 || a[0].Kind is not (PickleValueKind.Tuple or PickleValueKind.List))
                    throw Refuse("collections.OrderedDict is called with arguments other than one sequence of pairs");
                foreach (var pair in a[0].Items!)
                {
                    if (pair.Kind is not (PickleValueKind.Tuple or PickleValueKind.List) || pair.Items!.Count != 2)
                        throw Refuse($"collections.OrderedDict is given a {pair} instead of a (key, value) pair");
                    dict.Entries!.Add(new(pair.Items[0], pair.Items[1]));
                }
                return dict;
            }
            case "torch._utils._rebuild_parameter":
                if (a.Count < 2 || a[0].Kind != PickleValueKind.Tensor) throw Refuse("torch._utils._rebuild_parameter is not given a tensor");
                return a[0];
            default:
                return RebuildTensor(callable.QualifiedName!, a);
        }
    }

    /// <summary>_rebuild_tensor(storage, offset, size, stride) and _rebuild_tensor_v2(..., requires_grad, hooks[, metadata]).</summary>
    private PickleValue RebuildTensor(string name, List<PickleValue> a)
    {
        if (a.Count < 4 || a.Count > 7) throw Refuse($"{name} is called with {a.Count} arguments");
        var storage = a[0];
        if (storage.Kind != PickleValueKind.Storage) throw Refuse($"{name} is given a {storage} instead of a storage");
        if (a[1].Kind != PickleValueKind.Int || a[1].Integer is not >= 0) throw Refuse($"{name} is given a storage offset {a[1]}");
        var shape = Integers(a[2], name, "size");
        var stride = Integers(a[3], name, "stride");
        if (shape.Length != stride.Length) throw Refuse($"{name}: size has {shape.Length} dimensions but stride {stride.Length}");
        long offset = a[1].Integer!.Value, elements = 1, last = offset;
        try
        {
            for (int i = 0; i < shape.Length; i++)
            {
                elements = checked(elements * shape[i]);
                if (shape[i] > 0) last = checked(last + (shape[i] - 1) * stride[i]);
            }
        }
        catch (OverflowException)
        {
            throw Refuse($"{name}: size [{string.Join(", ", shape)}] is too large");
        }
        if (elements > 0 && last >= storage.Elements)
            throw Refuse($"{name}: a tensor of size [{string.Join(", ", shape)}], stride [{string.Join(", ", stride)}] at offset {offset} " +
                $"reaches element {last} of storage '{storage.Text}', which has {storage.Elements}");
        // TorchSharp.PyBridge rebuilds a tensor from the start of its storage with the tensor's own size, so only
        // whole, contiguous storages load correctly (what torch.save writes for a model's state dict).
        if (offset != 0 || elements != storage.Elements || !IsContiguous(shape, stride))
            throw Refuse($"{name}: the tensor of size [{string.Join(", ", shape)}], stride [{string.Join(", ", stride)}] at offset {offset} " +
                $"is a partial or non-contiguous view of storage '{storage.Text}' ({storage.Elements} elements); only whole, contiguous " +
                "tensors are read (re-save with every tensor .contiguous().clone())");
        tensorBytes += elements * ElementSize(storage.DType);
        if (tensorBytes > maxTensorBytes)
            throw Refuse($"the tensors would need more than {maxTensorBytes} bytes, far more than the file holds");
        return PickleValue.Tensor(storage.DType, shape);
    }

    /// <summary>Row-major strides (any stride on a dimension of size 1).</summary>
    private static bool IsContiguous(long[] shape, long[] stride)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    private long[] Integers(PickleValue value, string name, string what)
    {
        if (value.Kind != PickleValueKind.Tuple || value.Items!.Count > SafeTensors.MaxRank)
            throw Refuse($"{name}: {what} is a {value}, not a tuple of at most {SafeTensors.MaxRank} integers");
        var result = new long[value.Items.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var item = value.Items[i];
            if (item.Kind != PickleValueKind.Int || item.Integer is not >= 0) throw Refuse($"{name}: {what} holds a {item}");
            result[i] = item.Integer.Value;
        }
        return result;
    }

    /// <summary>torch.save's persistent id: ('storage', torch.XStorage, key, location, numel).</summary>
    private PickleValue PersistentLoad(PickleValue pid, int at)
    {
        var p = pid.Items;
        if (pid.Kind != PickleValueKind.Tuple || p!.Count != 5 || p[0].Kind != PickleValueKind.String || p[0].Text != "storage")
            throw Refuse($"BINPERSID at byte {at} has a persistent id that is not ('storage', type, key, location, numel)");
        if (p[1].Kind != PickleValueKind.Global || !StorageTypes.TryGetValue(p[1].QualifiedName!, out var dtype))
            throw Refuse($"persistent id at byte {at} names a {p[1]}, not a storage type");
        if (p[2].Kind != PickleValueKind.String || p[2].Text!.Length is 0 or > 64 || !p[2].Text!.All(char.IsAsciiLetterOrDigit))
            throw Refuse($"persistent id at byte {at} has an invalid storage key {p[2]}");
        if (p[3].Kind != PickleValueKind.String) throw Refuse($"persistent id at byte {at} has a location {p[3]}");
        if (p[4].Kind != PickleValueKind.Int || p[4].Integer is not >= 0) throw Refuse($"persistent id at byte {at} has an element count {p[4]}");
        var key = p[2].Text!;
        long elements = p[4].Integer!.Value;
        if (storages.TryGetValue(key, out var known))
        {
            if (known.DType != dtype || known.Elements != elements) throw Refuse($"storage '{key}' is described twice, differently");
            return known;
        }
        var problem = checkStorage(key, dtype, elements);
        if (problem is not null) throw Refuse($"storage '{key}': {problem}");
        var storage = PickleValue.Storage(key, dtype, elements);
        storages.Add(key, storage);
        return storage;
    }

    private void AddPairs(PickleValue dict, List<PickleValue> items, string opcode)
    {
        if (items.Count % 2 != 0) throw Refuse($"{opcode} has an odd number of items");
        for (int i = 0; i < items.Count; i += 2) dict.Entries!.Add(new(items[i], items[i + 1]));
    }

    private PickleValue ListTarget(string opcode)
    {
        var target = Top();
        if (target.Kind != PickleValueKind.List) throw Refuse($"{opcode} appends to a {target}, not a list");
        return target;
    }

    private PickleValue DictTarget(string opcode)
    {
        var target = Top();
        if (target.Kind != PickleValueKind.Dict) throw Refuse($"{opcode} sets items of a {target}, not a dict");
        return target;
    }

    private PickleValue SetTarget()
    {
        var target = Top();
        if (target.Kind != PickleValueKind.Set) throw Refuse($"ADDITEMS adds to a {target}, not a set");
        return target;
    }

    private void Memoize(long index)
    {
        if (memo.Count >= MaxMemo && !memo.ContainsKey(index)) throw Refuse("the pickle's memo is too large");
        memo[index] = Top();
    }

    private PickleValue Recall(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw Refuse($"memo entry {index} is read before it is written");

    private void Push(PickleValue value)
    {
        if (stack.Count >= MaxDepth) throw Refuse("the pickle's stack is too deep");
        stack.Add(value);
    }

    private PickleValue Top()
    {
        if (stack.Count == 0 || stack[^1].Kind == PickleValueKind.Mark) throw Refuse($"stack underflow at byte {pos - 1}");
        return stack[^1];
    }

    private PickleValue Pop()
    {
        var value = Top();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private List<PickleValue> PopToMark()
    {
        int mark = stack.FindLastIndex(v => v.Kind == PickleValueKind.Mark);
        if (mark < 0) throw Refuse($"no MARK for the opcode at byte {pos - 1}");
        var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private byte ReadByte() => ReadBytes(1)[0];

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > data.Length - pos) throw Refuse($"the pickle ends inside an opcode argument at byte {pos} (truncated?)");
        var span = data.AsSpan(pos, count);
        pos += count;
        return span;
    }

    private int ReadLength(int width)
    {
        ulong length = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)) : BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        if (length > (ulong)(data.Length - pos)) throw Refuse($"an argument at byte {pos} claims {length} bytes but only {data.Length - pos} remain");
        return (int)length;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(data, (byte)'\n', pos, Math.Min(MaxLine, data.Length - pos));
        if (end < 0) throw Refuse($"a text argument at byte {pos} has no end of line");
        var text = Utf8(data.AsSpan(pos, end - pos));
        pos = end + 1;
        return text;
    }

    private string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Refuse($"a string before byte {pos} is not valid UTF-8");
        }
    }

    private PickleValue ParseIntLine(string text) => text switch
    {
        "00" => PickleValue.Bool(false),
        "01" => PickleValue.Bool(true),
        _ => PickleValue.Int(ParseLong(text)),
    };

    private long ParseLong(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Refuse($"'{(text.Length > 40 ? text[..40] + "…" : text)}' is not an integer");

    /// <summary>A little-endian two's-complement integer; null when it does not fit in 64 bits.</summary>
    private static long? LittleEndianInteger(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return 0;
        if (bytes.Length > 8) return null;
        long value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        int unused = 64 - 8 * bytes.Length;
        return unused == 0 ? value : (value << unused) >> unused;
    }

    private static string Unquote(string text) =>
        text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0] ? text[1..^1] : text;

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private RgsudWeightsException Refuse(string reason) => new(path, reason);

    /// <summary>Bytes per element of a storage type (exposed to the archive checks).</summary>
    internal static long SizeOf(ScalarType dtype) => ElementSize(dtype);
}
