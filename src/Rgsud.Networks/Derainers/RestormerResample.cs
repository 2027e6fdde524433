using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// Restormer's <c>Downsample</c> (<c>body</c> = 3×3 conv c → c/2, PixelUnshuffle(2): c → 2c channels at half the
/// size) or <c>Upsample</c> (<c>body</c> = 3×3 conv c → 2c, PixelShuffle(2): c → c/2 channels at twice the size).
/// Both convolutions have no bias.
/// </summary>
internal sealed class RestormerResample : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Sequential body;
#pragma warning restore IDE1006

    private RestormerResample(Sequential body) : base(nameof(RestormerResample))
    {
        this.body = body;
        RegisterComponents();
    }

    public static RestormerResample Down(long channels) =>
        new(Sequential(Conv2d(channels, channels / 2, kernel_size: 3, stride: 1, padding: 1, bias: false), PixelUnshuffle(2)));

    public static RestormerResample Up(long channels) =>
        new(Sequential(Conv2d(channels, channels * 2, kernel_size: 3, stride: 1, padding: 1, bias: false), PixelShuffle(2)));

    public override Tensor forward(Tensor input) => body.call(input);
}
