using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// Restormer's multi-Dconv head transposed attention (MDTA, class <c>Attention</c>): a 1×1 <c>qkv</c> convolution
/// and a 3×3 depthwise <c>qkv_dwconv</c>, attention across channels per head (queries and keys L2-normalised over
/// the pixels, scaled by a learnable <c>temperature</c> per head), and a 1×1 <c>project_out</c>.
/// </summary>
/// <remarks>
/// The products are computed on the pixel-major (NHWC) view — <c>attn = q̂ᵀk̂</c> from <c>[hw, c]</c> matrices and
/// <c>outᵀ = vᵀ·attnᵀ</c> — which is the same arithmetic as the original and keeps channels-last activations
/// channels-last without a layout round-trip.
/// </remarks>
internal sealed class RestormerAttention : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Parameter temperature;
    private readonly Conv2d qkv;
    private readonly Conv2d qkv_dwconv;
    private readonly Conv2d project_out;
#pragma warning restore IDE1006
    private readonly long dim;
    private readonly long heads;

    public RestormerAttention(long dim, long numHeads, bool bias) : base(nameof(RestormerAttention))
    {
        this.dim = dim;
        heads = numHeads;
        temperature = new Parameter(ones(numHeads, 1, 1));
        qkv = Conv2d(dim, dim * 3, kernel_size: 1, bias: bias);
        qkv_dwconv = Conv2d(dim * 3, dim * 3, kernel_size: 3, stride: 1, padding: 1, groups: dim * 3, bias: bias);
        project_out = Conv2d(dim, dim, kernel_size: 1, bias: bias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long b = input.shape[0], h = input.shape[2], w = input.shape[3];
        long c = dim / heads;
        var t = qkv_dwconv.call(qkv.call(input));
        // [b, 3C, h, w] → [b, h·w, 3, heads, c]: a view when t is channels-last.
        var pixels = t.permute(0, 2, 3, 1).reshape(b, h * w, 3, heads, c);
        var q = Normalize(pixels.select(2, 0).permute(0, 2, 1, 3)); // [b, heads, hw, c]
        var k = Normalize(pixels.select(2, 1).permute(0, 2, 1, 3));
        var v = pixels.select(2, 2).permute(0, 2, 1, 3);
        var attn = q.transpose(-2, -1).matmul(k) * temperature; // [b, heads, c, c]
        attn = attn.softmax(-1);
        var outT = v.matmul(attn.transpose(-2, -1)); // [b, heads, hw, c]
        var output = outT.permute(0, 2, 1, 3).reshape(b, h, w, dim).permute(0, 3, 1, 2);
        var result = project_out.call(output);
        return result.MoveToOuterDisposeScope();
    }

    // F.normalize over the pixels (dim 2 of [b, heads, hw, c]): x / max(‖x‖₂, 1e-12).
    private static Tensor Normalize(Tensor x) => x / x.norm(2, keepdim: true, p: 2).clamp_min(1e-12);
}
