using System.Text.Json.Nodes;
using System.Text.Json;
using Rgsud.IO;
using Rgsud.Imaging;
using Rgsud.Inference;
using Rgsud.Runtime;
using Rgsud.Weights;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks;

/// <summary>
/// A trained derainer ready for inference: a network from <see cref="DerainerRegistry"/> with its weights. A
/// training run writes <c>derainer.safetensors</c> and <c>derainer.json</c> (network name and configuration) into
/// its folder; <see cref="Load(string, Device?)"/> reads them back. <see cref="Derain(Tensor, TilingOptions?)"/>
/// tiles large images so memory stays bounded.
/// </summary>
public sealed class Derainer : IDisposable
{
    /// <summary>File name of the weights in a model folder.</summary>
    public const string WeightsFileName = "derainer.safetensors";

    /// <summary>File name of the description in a model folder.</summary>
    public const string DescriptionFileName = "derainer.json";

    private Derainer(string network, JsonElement? configuration, nn.Module<Tensor, Tensor> module, Device device)
    {
        Network = network;
        Configuration = configuration;
        Module = module;
        Device = device;
    }

    /// <summary>The registry name of the network, e.g. "nafnet-small".</summary>
    public string Network { get; }

    /// <summary>The network's configuration (null: the name's defaults).</summary>
    public JsonElement? Configuration { get; }

    /// <summary>The network (eval mode).</summary>
    public nn.Module<Tensor, Tensor> Module { get; }

    /// <summary>Where it runs.</summary>
    public Device Device { get; }

    /// <summary>
    /// Loads a model folder (or its <c>derainer.json</c>) written by a training run. Throws
    /// <see cref="RgsudFileException"/> naming the file when it is missing or malformed.
    /// </summary>
    public static Derainer Load(string path, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var dir = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var descriptionPath = Path.Combine(dir, DescriptionFileName);
        if (!File.Exists(descriptionPath)) throw new RgsudFileException(descriptionPath, "no trained model here (derainer.json is missing)");
        string network;
        JsonElement? config;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(descriptionPath));
            network = doc.RootElement.GetProperty("network").GetString() ?? throw new JsonException("\"network\" is null");
            config = doc.RootElement.TryGetProperty("config", out var c) && c.ValueKind != JsonValueKind.Null ? c.Clone() : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new RgsudFileException(descriptionPath, $"not a valid model description: {e.Message}", e);
        }
        return FromWeights(network, Path.Combine(dir, WeightsFileName), config, device);
    }

    /// <summary>A registry network with weights from a safetensors file (PyTorch state-dict names).</summary>
    public static Derainer FromWeights(string network, string weightsPath, JsonElement? configuration = null, Device? device = null)
    {
        device ??= CPU;
        var module = DerainerRegistry.Create(network, configuration);
        try
        {
            ModuleWeights.Load(module, weightsPath);
            module.to(device);
            TensorLayout.ApplyPreferred(module);
            module.eval();
            return new Derainer(network, configuration, module, device);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>Writes <c>derainer.safetensors</c> and <c>derainer.json</c> for <paramref name="module"/> into <paramref name="directory"/> (atomically, each).</summary>
    public static void Save(string directory, string network, JsonElement? configuration, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(module);
        Directory.CreateDirectory(directory);
        ModuleWeights.Save(module, Path.Combine(directory, WeightsFileName), new Dictionary<string, string> { ["network"] = network });
        var description = new JsonObject
        {
            ["format"] = "rgsud-derainer",
            ["version"] = 1,
            ["network"] = network,
            ["config"] = configuration is { } c ? JsonNode.Parse(c.GetRawText()) : null,
            ["weights"] = WeightsFileName,
        };
        AtomicFile.WriteAllText(Path.Combine(directory, DescriptionFileName), description.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Derains <c>[N,3,H,W]</c> images in [0,1]; returns a new tensor on the input's device, clamped to [0,1].</summary>
    public Tensor Derain(Tensor images, TilingOptions? tiling = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var batched = images.dim() == 3 ? images.unsqueeze(0) : images.alias();
        using (batched) return DerainerInference.Derain(Module, batched, Device, tiling);
    }

    /// <summary>
    /// Derains an 8-bit RGB image (ImageSharp); returns a new image of the same size that the caller disposes. Large
    /// images are derained tile by tile (see <see cref="TilingOptions"/>), so memory stays bounded.
    /// </summary>
    public Image<Rgb24> Derain(Image<Rgb24> image, TilingOptions? tiling = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        using var input = ImageIO.FromImage(image);
        return ImageIO.ToImage(Derain(input, tiling));
    }

    /// <summary>
    /// Derains an image file (any format <see cref="ImageIO.Read(string, ImageReadOptions?)"/> reads) and writes the
    /// result as PNG, atomically. Errors name the file (<see cref="RgsudImageException"/>).
    /// </summary>
    public void DerainFile(string inputPath, string outputPath, TilingOptions? tiling = null)
    {
        using var scope = NewDisposeScope();
        var image = ImageIO.Read(inputPath);
        ImageIO.WritePng(Derain(image, tiling), outputPath);
    }

    /// <inheritdoc />
    public void Dispose() => Module.Dispose();
}
