using System.Globalization;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// The shape of DA-CLIP's two image towers (open_clip's <c>VisionTransformer</c>: the base CLIP image tower and the
/// DA-CLIP controller, which share this shape). <see cref="VitB32"/> is <c>daclip_ViT-B-32</c>
/// (<c>model_configs/daclip_ViT-B-32.json</c>: 224 px, patch 32, width 768, 12 layers, 64-wide heads, output 512,
/// exact GELU because the config has no <c>quick_gelu</c>). Smaller shapes exist for tests.
/// </summary>
public sealed record DaClipConfig
{
    /// <summary>The input side every DA-CLIP model uses (pixels; the towers take <c>[N,3,224,224]</c>).</summary>
    public const int ImageSize = 224;

    /// <summary>DA-CLIP ViT-B/32, the released <c>daclip_ViT-B-32.pt</c>.</summary>
    public static DaClipConfig VitB32 { get; } = new();

    /// <summary>Side of the square patches of the stem convolution <c>conv1</c> (32); must divide <see cref="ImageSize"/>.</summary>
    public int PatchSize { get; init; } = 32;

    /// <summary>Token width of the transformer (768).</summary>
    public int Width { get; init; } = 768;

    /// <summary>Residual attention blocks per tower (12).</summary>
    public int Layers { get; init; } = 12;

    /// <summary>Attention heads (12); must divide <see cref="Width"/>.</summary>
    public int Heads { get; init; } = 12;

    /// <summary>Size of the projected features <c>proj</c> (512, CLIP's embedding size).</summary>
    public int OutputDim { get; init; } = 512;

    /// <summary>Patches along each side (7 for ViT-B/32).</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Tokens per image: one class token plus <see cref="GridSize"/>² patches (50 for ViT-B/32).</summary>
    public int Tokens => GridSize * GridSize + 1;

    /// <summary>Hidden width of the MLPs (open_clip's <c>mlp_ratio</c> 4).</summary>
    public int MlpWidth => 4 * Width;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="RgsudException">A value is out of range.</exception>
    public void Validate()
    {
        if (PatchSize < 1 || PatchSize > ImageSize || ImageSize % PatchSize != 0)
            throw new RgsudException($"DA-CLIP patch size {PatchSize} must divide the input size {ImageSize}");
        if (Width < 1) throw new RgsudException($"DA-CLIP width must be at least 1, got {Width}");
        if (Layers < 1) throw new RgsudException($"DA-CLIP layers must be at least 1, got {Layers}");
        if (Heads < 1 || Width % Heads != 0) throw new RgsudException($"DA-CLIP heads ({Heads}) must divide the width ({Width})");
        if (OutputDim < 1) throw new RgsudException($"DA-CLIP output size must be at least 1, got {OutputDim}");
    }

    /// <summary>The shape as text, e.g. <c>patch 32, width 768, 12 layers, 12 heads, output 512</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"patch {PatchSize}, width {Width}, {Layers} layers, {Heads} heads, output {OutputDim}");
}
