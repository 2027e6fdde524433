using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>Restormer's <c>TransformerBlock</c>: <c>x + attn(norm1(x))</c>, then <c>x + ffn(norm2(x))</c>.</summary>
internal sealed class RestormerTransformerBlock : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly RestormerLayerNorm norm1;
    private readonly RestormerAttention attn;
    private readonly RestormerLayerNorm norm2;
    private readonly RestormerFeedForward ffn;
#pragma warning restore IDE1006

    public RestormerTransformerBlock(long dim, long numHeads, double ffnExpansionFactor, bool bias) : base(nameof(RestormerTransformerBlock))
    {
        norm1 = new RestormerLayerNorm(dim);
        attn = new RestormerAttention(dim, numHeads, bias);
        norm2 = new RestormerLayerNorm(dim);
        ffn = new RestormerFeedForward(dim, ffnExpansionFactor, bias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input + attn.call(norm1.call(input));
        x = x + ffn.call(norm2.call(x));
        return x.MoveToOuterDisposeScope();
    }
}
