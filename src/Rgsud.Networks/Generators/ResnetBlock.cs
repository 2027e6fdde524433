using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;

namespace Rgsud.Networks.Generators;

/// <summary>
/// CycleGAN's <c>ResnetBlock</c> with reflection padding and instance normalisation:
/// <c>x + conv_block(x)</c>, <c>conv_block</c> = [ReflectionPad(1), Conv3×3, IN, ReLU, ReflectionPad(1), Conv3×3, IN]
/// (state-dict names <c>conv_block.1.weight</c>, <c>conv_block.5.weight</c>; convolutions have a bias because the
/// norm is an instance norm).
/// </summary>
internal sealed class ResnetBlock : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Sequential conv_block;
#pragma warning restore IDE1006

    public ResnetBlock(long dim) : base(nameof(ResnetBlock))
    {
        conv_block = Sequential(
            ReflectionPad2d(1), Conv2d(dim, dim, kernel_size: 3, bias: true), new InstanceNorm(), ReLU(),
            ReflectionPad2d(1), Conv2d(dim, dim, kernel_size: 3, bias: true), new InstanceNorm());
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var block = conv_block.call(input);
        return input + block;
    }
}
