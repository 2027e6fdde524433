using System.Globalization;
using System.Text.Json;
using Rgsud.Weights;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// The safetensors layout of DA-CLIP weights for Rgsud (written by <c>tools/convert_daclip.py</c> and by
/// <see cref="DaClipModel.Save"/>): the tensors <c>clip.visual.*</c>, <c>visual_control.*</c> (DA-CLIP's own names)
/// and <c>text_embeddings</c> <c>[K, OutputDim]</c> (the L2-normalised text features of the K degradation words), all
/// float32; <c>__metadata__</c> holds <c>format</c> = <see cref="Format"/>, <c>format_version</c> =
/// <see cref="Version"/>, <c>degradations</c> (a JSON array of the K words, in the order of the rows) and the shape
/// (<c>image_size</c>, <c>patch_size</c>, <c>width</c>, <c>layers</c>, <c>heads</c>, <c>output_dim</c>).
/// </summary>
internal static class DaClipWeightsFormat
{
    public const string Format = "rgsud.daclip";
    public const string Version = "1";
    public const string TextEmbeddingsName = "text_embeddings";

    private const string Hint = "convert DA-CLIP's daclip_ViT-B-32.pt with tools/convert_daclip.py (docs/weights.md)";

    public static Dictionary<string, string> Metadata(DaClipConfig config, IReadOnlyList<string> words, IReadOnlyDictionary<string, string>? extra)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (extra is not null) foreach (var (k, v) in extra) metadata[k] = v;
        metadata["format"] = Format;
        metadata["format_version"] = Version;
        metadata["degradations"] = JsonSerializer.Serialize(words);
        metadata["image_size"] = Text(DaClipConfig.ImageSize);
        metadata["patch_size"] = Text(config.PatchSize);
        metadata["width"] = Text(config.Width);
        metadata["layers"] = Text(config.Layers);
        metadata["heads"] = Text(config.Heads);
        metadata["output_dim"] = Text(config.OutputDim);
        return metadata;
    }

    /// <summary>Reads and checks the header: format, version, shape, words and the text embeddings' presence, shape and type.</summary>
    /// <exception cref="RgsudWeightsException">The file is missing, malformed, or not DA-CLIP weights for Rgsud.</exception>
    public static (DaClipConfig Config, string[] Words) ReadHeader(string path)
    {
        var header = SafeTensors.ReadHeader(path);
        var meta = header.Metadata;
        if (!meta.TryGetValue("format", out var format) || format != Format)
            throw new RgsudWeightsException(path, (format is null ? "has no 'format' metadata" : $"has format '{format}'") +
                $", not DA-CLIP weights for Rgsud ('{Format}'); {Hint}");
        if (!meta.TryGetValue("format_version", out var version) || version != Version)
            throw new RgsudWeightsException(path, $"DA-CLIP weights format version '{version ?? "(none)"}' is not supported (this build reads version {Version}); {Hint}");
        int imageSize = Integer(path, meta, "image_size");
        if (imageSize != DaClipConfig.ImageSize)
            throw new RgsudWeightsException(path, $"image_size {imageSize} is not supported (DA-CLIP uses {DaClipConfig.ImageSize})");
        var config = new DaClipConfig
        {
            PatchSize = Integer(path, meta, "patch_size"),
            Width = Integer(path, meta, "width"),
            Layers = Integer(path, meta, "layers"),
            Heads = Integer(path, meta, "heads"),
            OutputDim = Integer(path, meta, "output_dim"),
        };
        try
        {
            config.Validate();
        }
        catch (RgsudException e)
        {
            throw new RgsudWeightsException(path, $"metadata describes an invalid model: {e.Message}", innerException: e);
        }

        var words = Words(path, meta);
        if (!header.ByName.TryGetValue(TextEmbeddingsName, out var text))
            throw new RgsudWeightsException(path, $"has no '{TextEmbeddingsName}' tensor (the degradation words' text features); {Hint}",
                missing: [TextEmbeddingsName]);
        if (text.Shape.Count != 2 || text.Shape[0] != words.Length || text.Shape[1] != config.OutputDim || text.DType != SafeTensorsDType.F32)
        {
            var problem = $"{TextEmbeddingsName}: file {text.ShapeText} {SafeTensorsDTypes.ToName(text.DType)} vs expected [{words.Length}, {config.OutputDim}] F32";
            throw new RgsudWeightsException(path, $"'{TextEmbeddingsName}' does not match the {words.Length} degradation words and output size {config.OutputDim} ({problem})",
                mismatched: [problem]);
        }
        return (config, words);
    }

    private static string[] Words(string path, IReadOnlyDictionary<string, string> meta)
    {
        if (!meta.TryGetValue("degradations", out var json))
            throw new RgsudWeightsException(path, $"has no 'degradations' metadata (the words of the text embeddings); {Hint}");
        string[]? words;
        try
        {
            words = JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException e)
        {
            throw new RgsudWeightsException(path, $"'degradations' metadata is not a JSON array of strings: {e.Message}", innerException: e);
        }
        if (words is null || words.Length < 2 || words.Any(string.IsNullOrWhiteSpace))
            throw new RgsudWeightsException(path, "'degradations' metadata must list at least two non-empty words");
        var duplicate = words.GroupBy(w => w, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new RgsudWeightsException(path, $"'degradations' metadata lists '{duplicate.Key}' twice");
        return words;
    }

    private static int Integer(string path, IReadOnlyDictionary<string, string> meta, string key)
    {
        if (!meta.TryGetValue(key, out var text))
            throw new RgsudWeightsException(path, $"has no '{key}' metadata; {Hint}");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new RgsudWeightsException(path, $"'{key}' metadata '{text}' is not a non-negative integer");
        return value;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
