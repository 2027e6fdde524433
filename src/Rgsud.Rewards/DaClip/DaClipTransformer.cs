using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// open_clip's <c>Transformer</c> (<c>resblocks</c>) with DA-CLIP's control input: after block <c>i</c> the main tower
/// adds <c>control.pop()</c>, the <em>last</em> remaining controller output. With the controller's outputs listed in
/// block order <c>c₀ … c_{L−1}</c>, block <c>i</c> therefore receives <c>c_{L−1−i}</c> (the deepest control feeds the
/// first block), exactly as DA-CLIP's <c>Transformer.forward</c> does.
/// </summary>
internal sealed class DaClipTransformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly ModuleList<DaClipResidualBlock> resblocks = new();
#pragma warning restore IDE1006

    public DaClipTransformer(DaClipConfig config) : base("Transformer")
    {
        for (int i = 0; i < config.Layers; i++) resblocks.Add(new DaClipResidualBlock(config));
        RegisterComponents();
    }

    /// <summary>Number of blocks.</summary>
    public int Layers => resblocks.Count;

    /// <summary>Block <paramref name="index"/> applied to <paramref name="x"/>.</summary>
    public Tensor Block(int index, Tensor x) => resblocks[index].call(x);

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>All blocks; with <paramref name="control"/> (one tensor per block, in block order), block i adds control[L−1−i].</summary>
    public Tensor Forward(Tensor x, IReadOnlyList<Tensor>? control)
    {
        if (control is not null && control.Count != resblocks.Count)
            throw new ArgumentException($"expected {resblocks.Count} control tensors, got {control.Count}", nameof(control));
        using var scope = NewDisposeScope();
        var h = x.alias();
        for (int i = 0; i < resblocks.Count; i++)
        {
            h = resblocks[i].call(h);
            if (control is not null) h = h + control[resblocks.Count - 1 - i];
        }
        return h.MoveToOuterDisposeScope();
    }
}
