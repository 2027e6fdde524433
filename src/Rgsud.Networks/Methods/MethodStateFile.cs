using System.Text.Json;
using Rgsud.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Methods;

/// <summary>
/// The files an unpaired method of this assembly writes in <c>SaveState</c>: each network as
/// <c>&lt;name&gt;.safetensors</c> (PyTorch state-dict names, via <see cref="ModuleWeights"/>), each optimiser as
/// <c>&lt;name&gt;.optimizer.bin</c> (TorchSharp's <c>save_state_dict</c>: Adam's step counts and moments), and
/// <c>method.json</c> with the method's name and step counter.
/// </summary>
internal static class MethodStateFile
{
    private const string ManifestName = "method.json";

    /// <summary>Writes every network, every optimiser and the manifest of <paramref name="method"/> into <paramref name="directory"/>.</summary>
    public static void Save(string directory, string method, long steps,
        IEnumerable<(string Name, nn.Module Module)> modules, IEnumerable<(string Name, optim.Optimizer Optimizer)> optimizers)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, module) in modules) SaveModule(directory, name, module);
        foreach (var (name, optimizer) in optimizers) SaveOptimizer(directory, name, optimizer);
        SaveManifest(directory, method, steps);
    }

    /// <summary>Restores what <see cref="Save"/> wrote and returns the saved step counter (the manifest is checked first).</summary>
    public static long Load(string directory, string method,
        IEnumerable<(string Name, nn.Module Module)> modules, IEnumerable<(string Name, optim.Optimizer Optimizer)> optimizers)
    {
        var steps = LoadManifest(directory, method);
        foreach (var (name, module) in modules) LoadModule(directory, name, module);
        foreach (var (name, optimizer) in optimizers) LoadOptimizer(directory, name, optimizer);
        return steps;
    }

    private static void SaveModule(string directory, string name, nn.Module module) =>
        ModuleWeights.Save(module, Path.Combine(directory, name + ".safetensors"));

    private static void LoadModule(string directory, string name, nn.Module module) =>
        ModuleWeights.Load(module, Required(directory, name + ".safetensors"));

    private static void SaveOptimizer(string directory, string name, optim.Optimizer optimizer) =>
        ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(Path.Combine(directory, name + ".optimizer.bin"));

    private static void LoadOptimizer(string directory, string name, optim.Optimizer optimizer)
    {
        var path = Required(directory, name + ".optimizer.bin");
        try
        {
            ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(path);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or EndOfStreamException)
        {
            throw new RgsudFileException(path, $"the optimizer state could not be read: {e.Message}", e);
        }
    }

    private static void SaveManifest(string directory, string method, long steps)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["method"] = method, ["steps"] = steps });
        File.WriteAllText(Path.Combine(directory, ManifestName), json);
    }

    /// <summary>Reads <c>method.json</c>, checks the method name and returns the step counter.</summary>
    private static long LoadManifest(string directory, string method)
    {
        var path = Required(directory, ManifestName);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var saved = doc.RootElement.GetProperty("method").GetString();
            if (!string.Equals(saved, method, StringComparison.Ordinal))
                throw new RgsudException($"'{directory}' holds the state of method '{saved}', not '{method}'");
            return doc.RootElement.GetProperty("steps").GetInt64();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new RgsudFileException(path, $"not a valid method manifest: {e.Message}", e);
        }
    }

    private static string Required(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path)) throw new RgsudFileException(path, "the method state file is missing");
        return path;
    }
}
