using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// DA-CLIP's <c>clip</c> submodule reduced to what scoring needs: its image tower <c>visual</c> (so the names are
/// <c>clip.visual.*</c> as in the checkpoint). The text tower is replaced by the precomputed text embeddings.
/// </summary>
internal sealed class DaClipBaseModel : nn.Module
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly DaClipVisionTransformer visual;
#pragma warning restore IDE1006

    public DaClipBaseModel(DaClipConfig config) : base("CLIP")
    {
        visual = new DaClipVisionTransformer(config);
        RegisterComponents();
    }

    public DaClipVisionTransformer Visual => visual;
}
