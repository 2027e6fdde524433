using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// open_clip's <c>ResidualAttentionBlock</c> as configured for DA-CLIP ViT-B/32 (no layer scale, no cross-attention):
/// <c>x + attn(ln_1(x))</c>, then <c>+ mlp(ln_2(x))</c>; LayerNorms with ε = 1e-5. Tokens are <c>[N, L, W]</c>.
/// </summary>
internal sealed class DaClipResidualBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly LayerNorm ln_1;
    private readonly DaClipAttention attn;
    private readonly LayerNorm ln_2;
    private readonly DaClipMlp mlp;
#pragma warning restore IDE1006

    public DaClipResidualBlock(DaClipConfig config) : base("ResidualAttentionBlock")
    {
        ln_1 = nn.LayerNorm(config.Width, eps: 1e-5);
        attn = new DaClipAttention(config.Width, config.Heads);
        ln_2 = nn.LayerNorm(config.Width, eps: 1e-5);
        mlp = new DaClipMlp(config.Width, config.MlpWidth);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x + attn.call(ln_1.call(x));
        h = h + mlp.call(ln_2.call(h));
        return h.MoveToOuterDisposeScope();
    }
}
