using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Weights;

/// <summary>
/// Loads and saves a module's state dict (parameters and buffers, PyTorch names) as safetensors.
/// </summary>
public static class ModuleWeights
{
    /// <summary>
    /// Copies the tensors of <paramref name="path"/> into <paramref name="module"/>'s parameters and buffers in
    /// place (device and memory layout of the module are kept). The file is checked against the module before
    /// anything is copied, so a failed load leaves the module unchanged.
    /// </summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="path">A safetensors file.</param>
    /// <param name="strict">
    /// When true (the default) every state-dict entry must be in the file with the same shape and dtype, and the file
    /// may hold nothing else. When false, missing and unexpected names are reported in the result and dtypes are
    /// converted; a shape mismatch is still an error.
    /// </param>
    /// <returns>The names loaded, missing and unexpected.</returns>
    /// <exception cref="RgsudWeightsException">
    /// The file is malformed, or does not match the module; <see cref="RgsudWeightsException.Missing"/>,
    /// <see cref="RgsudWeightsException.Unexpected"/> and <see cref="RgsudWeightsException.Mismatched"/> list why.
    /// </exception>
    public static WeightsLoadResult Load(nn.Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        RgsudRuntime.EnsureInitialized();

        var header = SafeTensors.ReadHeader(path);
        var state = module.state_dict();
        var (missing, unexpected) = Check(module, path, state,
            header.Tensors.Select(t => (t.Name, (IReadOnlyList<long>)t.Shape, SafeTensorsDTypes.ToScalarType(t.DType), $"{t.ShapeText} {SafeTensorsDTypes.ToName(t.DType)}")),
            strict);

        var wanted = state.Keys.Where(header.ByName.ContainsKey).ToHashSet(StringComparer.Ordinal);
        var loaded = new List<string>();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var tensors = SafeTensors.Read(path, wanted.Contains);
            foreach (var (name, target) in state)
            {
                if (!tensors.TryGetValue(name, out var source)) continue;
                target.copy_(source);
                loaded.Add(name);
            }
        }
        return new WeightsLoadResult(loaded, missing, unexpected);
    }

    /// <summary>
    /// Copies a PyTorch state dict saved with <c>torch.save(model.state_dict(), path)</c> (zip format; <c>.pth</c>,
    /// <c>.pt</c>) into <paramref name="module"/>, with the checks of <see cref="Load"/>. The file is read only
    /// through <see cref="PyTorchWeights"/>: its pickle is scanned first and refused when it names any global a plain
    /// state dict does not need (for example <c>posix.system</c>), so nothing in the file is ever executed. The file
    /// is checked against the module before anything is copied, so a failed load leaves the module unchanged.
    /// </summary>
    /// <param name="module">The module to fill.</param>
    /// <param name="path">A PyTorch zip checkpoint holding a state dict.</param>
    /// <param name="strict">As for <see cref="Load"/>.</param>
    /// <returns>The names loaded, missing and unexpected.</returns>
    /// <exception cref="RgsudWeightsException">The file is refused, malformed, or does not match the module.</exception>
    public static WeightsLoadResult LoadPyTorch(nn.Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        RgsudRuntime.EnsureInitialized();

        var infos = PyTorchWeights.Inspect(path);
        var state = module.state_dict();
        var (missing, unexpected) = Check(module, path, state,
            infos.Select(t => (t.Name, (IReadOnlyList<long>)t.Shape, t.DType, $"[{string.Join(", ", t.Shape)}] {t.DType}")), strict);

        var loaded = new List<string>();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var tensors = PyTorchWeights.Read(path);
            foreach (var (name, target) in state)
            {
                if (!tensors.TryGetValue(name, out var source)) continue;
                target.copy_(source);
                loaded.Add(name);
            }
        }
        return new WeightsLoadResult(loaded, missing, unexpected);
    }

    /// <summary>Compares a file's tensors with the module's state dict; throws when they do not match.</summary>
    private static (List<string> Missing, List<string> Unexpected) Check(nn.Module module, string path, Dictionary<string, Tensor> state,
        IEnumerable<(string Name, IReadOnlyList<long> Shape, ScalarType DType, string Description)> fileTensors, bool strict)
    {
        var file = fileTensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var missing = state.Keys.Where(k => !file.ContainsKey(k)).ToList();
        var unexpected = file.Keys.Where(n => !state.ContainsKey(n)).ToList();
        var mismatched = new List<string>();
        foreach (var (name, target) in state)
        {
            if (!file.TryGetValue(name, out var info)) continue;
            var sameShape = info.Shape.SequenceEqual(target.shape);
            var sameType = info.DType == target.dtype;
            // Not strict: a dtype difference is converted by copy_, a shape difference never is.
            if (sameShape && (sameType || !strict)) continue;
            mismatched.Add($"{name}: file {info.Description} vs module [{string.Join(", ", target.shape)}] {target.dtype}");
        }

        if (mismatched.Count > 0 || (strict && missing.Count + unexpected.Count > 0))
        {
            IReadOnlyList<string> reportMissing = strict ? missing : [];
            IReadOnlyList<string> reportUnexpected = strict ? unexpected : [];
            throw new RgsudWeightsException(path, Describe(module, reportMissing, reportUnexpected, mismatched),
                reportMissing, reportUnexpected, mismatched);
        }
        return (missing, unexpected);
    }

    /// <summary>
    /// Writes <paramref name="module"/>'s state dict (PyTorch names, contiguous data) to <paramref name="path"/>
    /// atomically.
    /// </summary>
    /// <exception cref="RgsudWeightsException">The file cannot be written.</exception>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensors.Write(path, module.state_dict(), metadata);
    }

    private static string Describe(nn.Module module, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<string> mismatched)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"{missing.Count} missing from the file ({string.Join(", ", missing)})");
        if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected ({string.Join(", ", unexpected)})");
        if (mismatched.Count > 0) parts.Add($"{mismatched.Count} mismatched ({string.Join("; ", mismatched)})");
        return $"does not match {module.GetName()}: {string.Join("; ", parts)}";
    }
}
