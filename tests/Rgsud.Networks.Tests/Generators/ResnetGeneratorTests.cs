using Rgsud.Networks.Generators;
using Rgsud.Networks.Tests.Methods;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Tests.Generators;

public sealed class ResnetGeneratorTests
{
    [Fact]
    public void ParameterCount_Reference_IsCycleGansResnet6Blocks()
    {
        // ngf = 64, 6 blocks, all convolutions with bias:
        //   Conv 7×7 3 → 64           9 408 + 64         =     9 472
        //   Conv 3×3 64 → 128         73 728 + 128       =    73 856
        //   Conv 3×3 128 → 256        294 912 + 256      =   295 168
        //   6 blocks × 2 Conv 3×3 256 6 · 2 · 590 080    = 7 080 960
        //   ConvT 3×3 256 → 128       294 912 + 128      =   295 040
        //   ConvT 3×3 128 → 64        73 728 + 64        =    73 792
        //   Conv 7×7 64 → 3           9 408 + 3          =     9 411
        //   total                                         = 7 837 699 (CycleGAN's resnet_6blocks: 7.838 M)
        const long expected = 9_472 + 73_856 + 295_168 + 7_080_960 + 295_040 + 73_792 + 9_411;
        Assert.Equal(7_837_699L, expected);
        using var net = new ResnetGenerator();
        Assert.Equal(expected, NetworkAssertions.ParameterCount(net));
    }

    [Fact]
    public void StateDictNames_FollowCycleGan()
    {
        using var net = new ResnetGenerator(ResnetGeneratorOptions.Small);
        var names = net.state_dict().Keys.ToHashSet();
        // 0 pad, 1 conv, 2 IN, 3 ReLU, 4 conv, 5 IN, 6 ReLU, 7 conv, 8 IN, 9 ReLU, 10-11 blocks, 12 convT, 15 convT, 18 pad, 19 conv
        foreach (var name in new[] { "model.1.weight", "model.4.weight", "model.7.bias", "model.10.conv_block.1.weight", "model.11.conv_block.5.bias", "model.12.weight", "model.15.weight", "model.19.weight", "model.19.bias" })
            Assert.Contains(name, names);
        Assert.Equal(6 * 2 + 2 * 2 * 2, names.Count); // 6 convolutions + 2 blocks × 2 convolutions, weight and bias each
    }

    [Fact]
    public void Forward_OddSize_KeepsShapeAndLayout()
    {
        using var net = new ResnetGenerator(ResnetGeneratorOptions.Small);
        using var input = rand(2, 3, 37, 53);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var output = net.call(input);
        Assert.Equal(1, scope.DisposablesCount);
        Assert.Equal(input.shape, output.shape);
        Assert.True(TensorLayout.IsChannelsLast(output));
    }

    [Fact]
    public void EveryParameter_GetsAFiniteGradient_AndMatchesFloat64()
    {
        using (var scope = NewDisposeScope())
        {
            var net = new ResnetGenerator(ResnetGeneratorOptions.Small);
            net.call(rand(2, 3, 16, 18)).square().mean().backward();
            // Every bias but the last is followed by an instance norm: zero gradient in exact arithmetic.
            NetworkAssertions.AllGradientsFinite(net, mayBeZero: name => name.EndsWith(".bias", StringComparison.Ordinal) && name != "model.19.bias");
        }
        NetworkAssertions.GradientsMatchFloat64(() => new ResnetGenerator(new ResnetGeneratorOptions { BaseChannels = 8, ResidualBlocks = 1 }), [2, 3, 13, 16],
            mayBeZero: name => name.EndsWith(".bias", StringComparison.Ordinal) && name != "model.18.bias"); // model.18: the last conv with one block
    }
}
