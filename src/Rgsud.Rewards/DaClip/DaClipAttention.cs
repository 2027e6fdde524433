using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Rewards.DaClip;

/// <summary>
/// Multi-head self-attention with the state-dict names of <c>torch.nn.MultiheadAttention</c> (what open_clip's
/// <c>ResidualAttentionBlock.attn</c> is): <c>in_proj_weight</c> <c>[3W, W]</c> packing the query, key and value
/// projections in that order, <c>in_proj_bias</c> <c>[3W]</c>, and <c>out_proj</c> (Linear W→W). Each head is a
/// contiguous slice of W/heads features, scores are scaled by <c>1/√(W/heads)</c>; no mask, no dropout.
/// Works on batch-first tokens <c>[N, L, W]</c> (the reference's <c>[L, N, W]</c> is the same arithmetic).
/// </summary>
internal sealed class DaClipAttention : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
#pragma warning restore IDE1006
    private readonly int width;
    private readonly int heads;

    public DaClipAttention(int width, int heads) : base("MultiheadAttention")
    {
        this.width = width;
        this.heads = heads;
        // nn.MultiheadAttention's initialisation: Xavier-uniform packed projection, zero biases.
        in_proj_weight = new Parameter(empty(3L * width, width));
        nn.init.xavier_uniform_(in_proj_weight);
        in_proj_bias = new Parameter(zeros(3L * width));
        out_proj = nn.Linear(width, width);
        using (no_grad()) out_proj.bias!.zero_();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], l = x.shape[1];
        var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias);
        // [N, L, 3W] → [3, N, heads, L, W/heads]
        var parts = qkv.view(n, l, 3, heads, width / heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        var merged = attended.transpose(1, 2).reshape(n, l, width);
        return out_proj.call(merged).MoveToOuterDisposeScope();
    }
}
