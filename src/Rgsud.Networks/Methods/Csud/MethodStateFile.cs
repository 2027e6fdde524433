using System.Text.Json;
using Rgsud.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Methods.Csud;

/// <summary>
/// The files an unpaired method of this assembly writes in <c>SaveState</c>: each network as
/// <c>&lt;name&gt;.safetensors</c> (PyTorch state-dict names, via <see cref="ModuleWeights"/>), each optimiser as
/// <c>&lt;name&gt;.optimizer.bin</c> (TorchSharp's <c>save_state_dict</c>: Adam's step counts and moments), and
/// <c>method.json</c> with the method's name and step counter.
/// </summary>
internal static class MethodStateFile
{
    private const string ManifestName = "method.json";

    public static void SaveModule(string directory, string name, nn.Module module) =>
        ModuleWeights.Save(module, Path.Combine(directory, name + ".safetensors"));

    public static void LoadModule(string directory, string name, nn.Module module) =>
        ModuleWeights.Load(module, Required(directory, name + ".safetensors"));

    public static void SaveOptimizer(string directory, string name, optim.Optimizer optimizer) =>
        ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(Path.Combine(directory, name + ".optimizer.bin"));

    public static void LoadOptimizer(string directory, string name, optim.Optimizer optimizer)
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

    public static void SaveManifest(string directory, string method, long steps)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["method"] = method, ["steps"] = steps });
        File.WriteAllText(Path.Combine(directory, ManifestName), json);
    }

    /// <summary>Reads <c>method.json</c>, checks the method name and returns the step counter.</summary>
    public static long LoadManifest(string directory, string method)
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
