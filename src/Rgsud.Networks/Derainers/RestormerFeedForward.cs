using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// Restormer's gated-Dconv feed-forward network (GDFN, class <c>FeedForward</c>): 1×1 <c>project_in</c> to
/// 2·hidden channels, 3×3 depthwise <c>dwconv</c>, <c>GELU(x1) · x2</c>, 1×1 <c>project_out</c>;
/// hidden = <c>int(dim · factor)</c>.
/// </summary>
internal sealed class RestormerFeedForward : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Conv2d project_in;
    private readonly Conv2d dwconv;
    private readonly Conv2d project_out;
#pragma warning restore IDE1006

    public RestormerFeedForward(long dim, double expansionFactor, bool bias) : base(nameof(RestormerFeedForward))
    {
        var hidden = (long)(dim * expansionFactor);
        project_in = Conv2d(dim, hidden * 2, kernel_size: 1, bias: bias);
        dwconv = Conv2d(hidden * 2, hidden * 2, kernel_size: 3, stride: 1, padding: 1, groups: hidden * 2, bias: bias);
        project_out = Conv2d(hidden, dim, kernel_size: 1, bias: bias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = dwconv.call(project_in.call(input));
        var halves = x.chunk(2, 1);
        var gated = functional.gelu(halves[0]) * halves[1];
        var result = project_out.call(gated);
        return result.MoveToOuterDisposeScope();
    }
}
