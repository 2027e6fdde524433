using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Runtime;

public sealed class TensorLayoutTests
{
    [Fact]
    public void To_preferred_gives_channels_last_strides_with_the_same_values()
    {
        using var x = torch.rand(2, 3, 5, 7);
        using var y = TensorLayout.ToPreferred(x);
        Assert.Equal(x.shape, y.shape);
        Assert.Equal(new long[] { 105, 1, 21, 3 }, y.stride());
        Assert.True(TensorLayout.IsChannelsLast(y));
        Assert.False(TensorLayout.IsChannelsLast(x));
        Assert.True(y.allclose(x, 0, 0));
    }

    [Fact]
    public void Apply_preferred_converts_conv_weights_in_place()
    {
        var conv = nn.Conv2d(8, 3, 3);
        var before = conv.weight!.clone();
        TensorLayout.ApplyPreferred(conv);
        Assert.True(TensorLayout.IsChannelsLast(conv.weight!));
        Assert.True(conv.weight!.allclose(before, 0, 0));
        // Still a parameter of the module after set_.
        Assert.Contains(conv.parameters(), p => p.Handle == conv.weight!.Handle);
    }

    [Fact]
    public void Conv_output_stays_channels_last()
    {
        var conv = nn.Conv2d(3, 16, 3, padding: 1);
        TensorLayout.ApplyPreferred(conv);
        using var x = TensorLayout.ToPreferred(torch.rand(1, 3, 9, 9));
        using var y = conv.call(x);
        Assert.True(TensorLayout.IsChannelsLast(y));
    }
}
