using Rgsud.Runtime;
using Rgsud.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// DA-CLIP (Luo et al., "Controlling Vision-Language Models for Multi-Task Image Restoration", ICLR 2024;
/// Algolzw/daclip-uir) reduced to its image side: the base CLIP image tower <c>clip.visual</c>
/// (<see cref="DaClipVisionTransformer"/>), the controller <c>visual_control</c> (<see cref="DaClipController"/>) and
/// the precomputed, L2-normalised text embeddings of the degradation words (<c>text_embeddings</c> <c>[K, OutputDim]</c>,
/// a buffer), so no tokenizer or text tower is needed. State-dict names are the checkpoint's, so a converted file
/// loads strictly.
/// <para>
/// <see cref="EncodeImage"/> is DA-CLIP's <c>encode_image(image, control=True)</c>: the controller gives the
/// degradation features and its hidden taps, which the base tower adds block by block (in reverse order, see
/// <see cref="DaClipVisionTransformer.Forward(Tensor, IReadOnlyList{Tensor})"/>) to give the content features.
/// The degradation probabilities are DA-CLIP's zero-shot readout
/// <c>softmax(100 · norm(degradation features) · norm(text embeddings)ᵀ)</c>; they depend on the controller only, so
/// <see cref="DegradationProbabilities"/> does not run the base tower.
/// </para>
/// </summary>
public sealed class DaClipModel : nn.Module<Tensor, Tensor>
{
    /// <summary>The factor of the cosine similarities before the softmax (DA-CLIP's examples use the literal 100).</summary>
    public const double LogitScale = 100.0;

#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly DaClipBaseModel clip;
    private readonly DaClipController visual_control;
    private readonly Tensor text_embeddings;
#pragma warning restore IDE1006

    /// <summary>
    /// Creates a randomly initialised model (open_clip's initialisation, zero controller taps, random unit text
    /// embeddings) — for tests and for files of another origin; real weights come from <see cref="Load"/>.
    /// </summary>
    /// <param name="config">The towers' shape; <see cref="DaClipConfig.VitB32"/> when null.</param>
    /// <param name="degradations">The degradation words; <see cref="DefaultDegradations"/> when null.</param>
    /// <exception cref="RgsudException">The shape is invalid, or the words are fewer than two, empty or repeated.</exception>
    public DaClipModel(DaClipConfig? config = null, IReadOnlyList<string>? degradations = null) : base("DaCLIP")
    {
        Config = config ?? DaClipConfig.VitB32;
        Config.Validate();
        var words = (degradations ?? DefaultDegradations).ToArray();
        if (words.Length < 2 || words.Any(string.IsNullOrWhiteSpace) || words.Distinct(StringComparer.Ordinal).Count() != words.Length)
            throw new RgsudException($"DA-CLIP needs at least two distinct, non-empty degradation words, got [{string.Join(", ", words)}]");
        Degradations = Array.AsReadOnly(words);
        RgsudRuntime.EnsureInitialized();
        clip = new DaClipBaseModel(Config);
        visual_control = new DaClipController(Config);
        using (var r = randn(words.Length, Config.OutputDim))
            text_embeddings = nn.functional.normalize(r, p: 2, dim: -1);
        RegisterComponents();
    }

    /// <summary>The ten degradation words of DA-CLIP, in its order.</summary>
    public static IReadOnlyList<string> DefaultDegradations { get; } = Array.AsReadOnly(new[]
    {
        "motion-blurry", "hazy", "jpeg-compressed", "low-light", "noisy", "raindrop", "rainy", "shadowed", "snowy", "uncompleted",
    });

    /// <summary>The towers' shape.</summary>
    public DaClipConfig Config { get; }

    /// <summary>The degradation words, in the order of the text embeddings and of the probabilities.</summary>
    public IReadOnlyList<string> Degradations { get; }

    /// <summary>The base CLIP image tower (<c>clip.visual</c>).</summary>
    public DaClipVisionTransformer Visual => clip.Visual;

    /// <summary>The controller (<c>visual_control</c>).</summary>
    public DaClipController Controller => visual_control;

    /// <summary>The text embeddings buffer <c>[K, OutputDim]</c> (owned by the model).</summary>
    public Tensor TextEmbeddings => text_embeddings;

    /// <summary>
    /// Loads weights in Rgsud's DA-CLIP format (see <c>docs/weights.md</c>) strictly: every tensor must be present
    /// with its shape and type, nothing else may be. The model is returned in eval mode with gradients off.
    /// </summary>
    /// <param name="path">A safetensors file written by <c>tools/convert_daclip.py</c> or <see cref="Save"/>.</param>
    /// <param name="device">The device to put the model on; the CPU when null.</param>
    /// <exception cref="RgsudWeightsException">The file is missing, malformed, not DA-CLIP weights for Rgsud, or does not match.</exception>
    public static DaClipModel Load(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (config, words) = DaClipWeightsFormat.ReadHeader(path);
        var model = new DaClipModel(config, words);
        try
        {
            ModuleWeights.Load(model, path);
            model.CheckTextEmbeddings(path);
            if (device is not null && device.type != DeviceType.CPU) model.to(device);
            model.Freeze();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Writes the model in Rgsud's DA-CLIP format (safetensors, atomically).</summary>
    /// <param name="path">Destination file; its folder must exist.</param>
    /// <param name="metadata">Extra metadata entries (the format's own keys win).</param>
    /// <exception cref="RgsudWeightsException">The file cannot be written.</exception>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModuleWeights.Save(this, path, DaClipWeightsFormat.Metadata(Config, Degradations, metadata));
    }

    /// <summary>Each row of the text embeddings must be finite with unit length (the converter normalises them).</summary>
    private void CheckTextEmbeddings(string path)
    {
        using var scope = NewDisposeScope();
        var norms = text_embeddings.to(ScalarType.Float64).norm(1, keepdim: false, p: 2).data<double>().ToArray();
        for (int i = 0; i < norms.Length; i++)
        {
            if (!(Math.Abs(norms[i] - 1) <= 1e-3))
                throw new RgsudWeightsException(path, $"'{DaClipWeightsFormat.TextEmbeddingsName}' row {i} ('{Degradations[i]}') has length {norms[i]:G6}, " +
                    "not 1: the text embeddings must be L2-normalised (as tools/convert_daclip.py writes them)");
        }
    }

    /// <summary>Eval mode and no gradients for every parameter.</summary>
    public void Freeze()
    {
        eval();
        foreach (var p in parameters()) p.requires_grad = false;
    }

    /// <summary>The degradation probabilities <c>[N, K]</c> (float32) of normalised images <c>[N,3,224,224]</c>.</summary>
    public override Tensor forward(Tensor input) => DegradationProbabilities(input);

    /// <summary>
    /// DA-CLIP's <c>encode_image(image, control=True)</c> on normalised images <c>[N,3,224,224]</c> (float32): the content
    /// features of the controlled base tower and the controller's degradation features, each <c>[N, OutputDim]</c>,
    /// not normalised.
    /// </summary>
    /// <exception cref="ArgumentException">The images are not a float32 <c>[N,3,224,224]</c> batch.</exception>
    public (Tensor ImageFeatures, Tensor DegradationFeatures) EncodeImage(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (degradation, hiddens) = visual_control.ForwardWithHiddens(input);
        var image = clip.Visual.Forward(input, hiddens);
        return (image.MoveToOuterDisposeScope(), degradation.MoveToOuterDisposeScope());
    }

    /// <summary>The cosine logits <c>100 · norm(degradation features) · norm(text embeddings)ᵀ</c>, <c>[N, K]</c> (float32).</summary>
    /// <exception cref="ArgumentException">The images are not a float32 <c>[N,3,224,224]</c> batch.</exception>
    public Tensor DegradationLogits(Tensor input)
    {
        using var scope = NewDisposeScope();
        // The text embeddings are stored normalised (checked by Load), as DA-CLIP's text_features after `/= norm`.
        var features = nn.functional.normalize(visual_control.call(input), p: 2, dim: -1);
        return features.matmul(text_embeddings.t()).mul(LogitScale).MoveToOuterDisposeScope();
    }

    /// <summary>The degradation probabilities <c>softmax(DegradationLogits)</c>, <c>[N, K]</c> (float32).</summary>
    /// <exception cref="ArgumentException">The images are not a float32 <c>[N,3,224,224]</c> batch.</exception>
    public Tensor DegradationProbabilities(Tensor input)
    {
        using var scope = NewDisposeScope();
        return DegradationLogits(input).softmax(-1).MoveToOuterDisposeScope();
    }
}
