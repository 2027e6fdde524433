using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// Restormer's <c>LayerNorm(dim, 'WithBias')</c>: a wrapper whose <c>body</c> normalises every pixel over its
/// channels (ε = 1e-5, biased variance) with a weight and a bias (names <c>body.weight</c>, <c>body.bias</c>).
/// </summary>
internal sealed class RestormerLayerNorm : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly LayerNorm2d body;
#pragma warning restore IDE1006

    public RestormerLayerNorm(long dim) : base(nameof(RestormerLayerNorm))
    {
        body = new LayerNorm2d(dim, eps: 1e-5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => body.call(input);
}
