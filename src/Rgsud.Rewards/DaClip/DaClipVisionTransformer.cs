using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// The base CLIP image tower of DA-CLIP (open_clip <c>VisionTransformer</c>, state-dict prefix <c>clip.visual.</c> in a
/// DA-CLIP checkpoint): <c>conv1</c>, <c>class_embedding</c>, <c>positional_embedding</c>, <c>ln_pre</c>,
/// <c>transformer.resblocks.*</c>, <c>ln_post</c>, <c>proj</c>. Given the controller's hidden outputs it returns
/// DA-CLIP's content ("clean") image features; alone it is the plain CLIP image encoder.
/// </summary>
/// <remarks>Parameters for ViT-B/32: 87,849,216 (derivation in the tests).</remarks>
public sealed class DaClipVisionTransformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Conv2d conv1;
    private readonly Parameter class_embedding;
    private readonly Parameter positional_embedding;
    private readonly LayerNorm ln_pre;
    private readonly DaClipTransformer transformer;
    private readonly LayerNorm ln_post;
    private readonly Parameter proj;
#pragma warning restore IDE1006

    /// <summary>Creates a randomly initialised tower (open_clip's initialisation).</summary>
    /// <param name="config">The shape; <see cref="DaClipConfig.VitB32"/> when null.</param>
    public DaClipVisionTransformer(DaClipConfig? config = null) : base("VisionTransformer")
    {
        Config = config ?? DaClipConfig.VitB32;
        Config.Validate();
        conv1 = nn.Conv2d(3, Config.Width, Config.PatchSize, stride: Config.PatchSize, bias: false);
        class_embedding = DaClipVisionStem.ScaledRandom(Config, Config.Width);
        positional_embedding = DaClipVisionStem.ScaledRandom(Config, Config.Tokens, Config.Width);
        ln_pre = nn.LayerNorm(Config.Width, eps: 1e-5);
        transformer = new DaClipTransformer(Config);
        ln_post = nn.LayerNorm(Config.Width, eps: 1e-5);
        proj = DaClipVisionStem.ScaledRandom(Config, Config.Width, Config.OutputDim);
        RegisterComponents();
    }

    /// <summary>The tower's shape.</summary>
    public DaClipConfig Config { get; }

    /// <summary>Image features <c>[N, OutputDim]</c> of normalised images <c>[N,3,224,224]</c> (float32), without control.</summary>
    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Image features <c>[N, OutputDim]</c> (not normalised). With <paramref name="control"/> — the controller's
    /// <see cref="DaClipController.ForwardWithHiddens"/> outputs, in block order — block i adds control[L−1−i]
    /// (DA-CLIP's <c>control.pop()</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The images are not a float32 <c>[N,3,224,224]</c> batch, or the control has the wrong length.</exception>
    public Tensor Forward(Tensor input, IReadOnlyList<Tensor>? control)
    {
        using var scope = NewDisposeScope();
        var tokens = DaClipVisionStem.Embed(input, Config, conv1, class_embedding, positional_embedding, ln_pre);
        tokens = transformer.Forward(tokens, control);
        return DaClipVisionStem.Pool(tokens, ln_post, proj).MoveToOuterDisposeScope();
    }

    /// <summary>The transformer, for tests that replay the blocks.</summary>
    internal DaClipTransformer Transformer => transformer;

    /// <summary>The embedding step alone, for tests.</summary>
    internal Tensor Embed(Tensor input) => DaClipVisionStem.Embed(input, Config, conv1, class_embedding, positional_embedding, ln_pre);

    /// <summary>The pooling step alone, for tests.</summary>
    internal Tensor Pool(Tensor tokens) => DaClipVisionStem.Pool(tokens, ln_post, proj);
}
