using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// The DA-CLIP controller (<c>visual_control</c>): a copy of the image tower whose transformer is a
/// <c>ControlTransformer</c> — the same blocks (<c>visual_control.transformer.transformer.resblocks.*</c>) plus a
/// zero-initialised <c>Linear(W, W)</c> tap per block (<c>visual_control.transformer.zero_modules.*</c>). Its pooled,
/// projected class token is the <em>degradation embedding</em>; the taps of each block's output are the hidden
/// controls the base tower adds. Parameters for ViT-B/32: 94,936,320 (the tower's 87,849,216 plus 12 × 590,592).
/// </summary>
public sealed class DaClipController : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Conv2d conv1;
    private readonly Parameter class_embedding;
    private readonly Parameter positional_embedding;
    private readonly LayerNorm ln_pre;
    private readonly DaClipControlTransformer transformer;
    private readonly LayerNorm ln_post;
    private readonly Parameter proj;
#pragma warning restore IDE1006

    /// <summary>Creates a randomly initialised controller (taps zero, as in DA-CLIP).</summary>
    /// <param name="config">The shape; <see cref="DaClipConfig.VitB32"/> when null.</param>
    public DaClipController(DaClipConfig? config = null) : base("VisionTransformer")
    {
        Config = config ?? DaClipConfig.VitB32;
        Config.Validate();
        conv1 = nn.Conv2d(3, Config.Width, Config.PatchSize, stride: Config.PatchSize, bias: false);
        class_embedding = DaClipVisionStem.ScaledRandom(Config, Config.Width);
        positional_embedding = DaClipVisionStem.ScaledRandom(Config, Config.Tokens, Config.Width);
        ln_pre = nn.LayerNorm(Config.Width, eps: 1e-5);
        transformer = new DaClipControlTransformer(Config);
        ln_post = nn.LayerNorm(Config.Width, eps: 1e-5);
        proj = DaClipVisionStem.ScaledRandom(Config, Config.Width, Config.OutputDim);
        RegisterComponents();
    }

    /// <summary>The controller's shape.</summary>
    public DaClipConfig Config { get; }

    /// <summary>Degradation features <c>[N, OutputDim]</c> (not normalised) of normalised images <c>[N,3,224,224]</c> (float32).</summary>
    /// <exception cref="ArgumentException">The images are not a float32 <c>[N,3,224,224]</c> batch.</exception>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var tokens = DaClipVisionStem.Embed(input, Config, conv1, class_embedding, positional_embedding, ln_pre);
        tokens = transformer.Forward(tokens, null);
        return DaClipVisionStem.Pool(tokens, ln_post, proj).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Degradation features <c>[N, OutputDim]</c> and the hidden controls (one <c>[N, tokens, W]</c> tensor per block,
    /// in block order) — DA-CLIP's <c>visual_control(image, output_hiddens=True)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The images are not a float32 <c>[N,3,224,224]</c> batch.</exception>
    public (Tensor Features, IReadOnlyList<Tensor> Hiddens) ForwardWithHiddens(Tensor input)
    {
        using var scope = NewDisposeScope();
        var hiddens = new List<Tensor>(Config.Layers);
        var tokens = DaClipVisionStem.Embed(input, Config, conv1, class_embedding, positional_embedding, ln_pre);
        tokens = transformer.Forward(tokens, hiddens);
        var features = DaClipVisionStem.Pool(tokens, ln_post, proj);
        scope.MoveToOuter(hiddens);
        return (features.MoveToOuterDisposeScope(), hiddens);
    }
}
