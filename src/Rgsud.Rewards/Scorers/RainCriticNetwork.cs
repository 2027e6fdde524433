using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.Scorers;

/// <summary>
/// The critic's CNN: stride-2 3×3 convolutions with LeakyReLU, global average pooling and a linear layer to one
/// logit (positive: clean). The network sees only the high-pass residual <c>4 · (I − box5(I))</c> of the RGB input
/// in [0,1], where thin rain streaks stand out and the scene's colours and shading (which differ between the
/// unpaired rainy and clean sets and would be learned instead of rain) are gone.
/// </summary>
internal sealed class RainCriticNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Conv2d> convs = new();
    private readonly Linear head;
    private readonly double slope;

    public RainCriticNetwork(IReadOnlyList<int> channels, double leakySlope) : base("RainCritic")
    {
        slope = leakySlope;
        int input = 3;
        foreach (var c in channels)
        {
            // The first layer sees 5x5 neighbourhoods of the residual: enough to tell a thin slanted streak from texture.
            int k = convs.Count == 0 ? 5 : 3;
            convs.Add(nn.Conv2d(input, c, k, stride: 2, padding: k / 2));
            input = c;
        }
        head = nn.Linear(input, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var blur = nn.functional.avg_pool2d(x, 5, stride: 1, padding: 2, count_include_pad: false);
        // Pooling may return NCHW strides; keep the convolutions on the channels-last path (docs: NUMERICS).
        var h = TensorLayout.ToPreferred(x.sub(blur).mul(4));
        foreach (var conv in convs) h = nn.functional.leaky_relu(conv.forward(h), slope);
        var pooled = h.mean([2, 3]);
        return head.forward(pooled).squeeze(1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            convs.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
