using Rgsud.Abstractions;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Methods;

internal static class MethodTestData
{
    /// <summary>
    /// A random channels-last batch of two 32×32 rainy and clean crops, drawn from a private generator (tests run
    /// in parallel, so the global generator's sequence is not reproducible).
    /// </summary>
    public static UnpairedBatch Batch(long seed, bool channelsLast = true, int size = 32)
    {
        using var generator = new torch.Generator((ulong)seed);
        var rainy = rand([2, 3, size, size], generator: generator);
        var clean = rand([2, 3, size, size], generator: generator);
        if (channelsLast)
        {
            rainy = TensorLayout.ToChannelsLast(rainy);
            clean = TensorLayout.ToChannelsLast(clean);
        }
        return new UnpairedBatch(rainy, clean, ["a.png", "b.png"], [new CropBox(0, 0, size, size), new CropBox(0, 0, size, size)]);
    }

    /// <summary>Copies the state dicts (parameters and buffers) of <paramref name="source"/>'s modules into <paramref name="target"/>'s.</summary>
    public static void CopyNetworks(IEnumerable<nn.Module> source, IEnumerable<nn.Module> target)
    {
        foreach (var (from, to) in source.Zip(target, (a, b) => (a, b))) NetworkAssertions.CopyState(from, to);
    }

    public static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    public static bool AnyDifferent(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) =>
        a.Any(kv => !kv.Value.equal(b[kv.Key]).all().item<bool>());

    public static bool AllEqual(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) =>
        a.All(kv => kv.Value.equal(b[kv.Key]).all().item<bool>());

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rgsud-method-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
