using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>Restormer's <c>OverlapPatchEmbed</c>: a 3×3 convolution <c>proj</c> from the image to <c>dim</c> channels.</summary>
internal sealed class RestormerPatchEmbed : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Conv2d proj;
#pragma warning restore IDE1006

    public RestormerPatchEmbed(long inChannels, long embedDim, bool bias) : base(nameof(RestormerPatchEmbed))
    {
        proj = Conv2d(inChannels, embedDim, kernel_size: 3, stride: 1, padding: 1, bias: bias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => proj.call(input);
}
