using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// DA-CLIP's <c>ControlTransformer</c>: it wraps a copy of the tower's <c>Transformer</c> (state-dict prefix
/// <c>transformer.</c>, so the controller's blocks are <c>visual_control.transformer.transformer.resblocks.*</c>) and adds
/// one zero-initialised <c>Linear(W, W)</c> per block (<c>zero_modules.i</c>, with bias: the reference passes
/// <c>bias=1</c>). The blocks run unchanged; the taps <c>zero_modules[i](x_i)</c> of each block's output are the
/// controller's hidden outputs that the main tower adds.
/// </summary>
internal sealed class DaClipControlTransformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly DaClipTransformer transformer;
    private readonly ModuleList<Linear> zero_modules = new();
#pragma warning restore IDE1006

    public DaClipControlTransformer(DaClipConfig config) : base("ControlTransformer")
    {
        transformer = new DaClipTransformer(config);
        for (int i = 0; i < config.Layers; i++)
        {
            var tap = nn.Linear(config.Width, config.Width, hasBias: true);
            using (no_grad())
            {
                tap.weight!.zero_();
                tap.bias!.zero_();
            }
            zero_modules.Add(tap);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>All blocks; when <paramref name="hiddens"/> is given, the tap of each block's output is appended to it (block order).</summary>
    public Tensor Forward(Tensor x, List<Tensor>? hiddens)
    {
        using var scope = NewDisposeScope();
        var h = x.alias();
        for (int i = 0; i < transformer.Layers; i++)
        {
            h = transformer.Block(i, h);
            if (hiddens is not null) hiddens.Add(zero_modules[i].call(h));
        }
        if (hiddens is not null) scope.MoveToOuter(hiddens);
        return h.MoveToOuterDisposeScope();
    }
}
