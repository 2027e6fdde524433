using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// open_clip's block MLP (<c>mlp = Sequential(c_fc, gelu, c_proj)</c>): Linear W→4W, exact (erf) GELU, Linear 4W→W.
/// DA-CLIP's ViT-B/32 is built without <c>quick_gelu</c>, so the activation is <c>nn.GELU</c>, not QuickGELU.
/// </summary>
internal sealed class DaClipMlp : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Linear c_fc;
    private readonly Linear c_proj;
#pragma warning restore IDE1006

    public DaClipMlp(int width, int hidden) : base("Mlp")
    {
        c_fc = nn.Linear(width, hidden);
        c_proj = nn.Linear(hidden, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return c_proj.call(nn.functional.gelu(c_fc.call(x))).MoveToOuterDisposeScope();
    }
}
