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
    public void Apply_preferred_keeps_standard_weights_by_default()
    {
        var conv = nn.Conv2d(8, 3, 3);
        TensorLayout.ApplyPreferred(conv);
        Assert.False(RgsudRuntime.EnsureInitialized().ChannelsLastWeights);
        Assert.True(conv.weight!.is_contiguous());
    }

    [Fact]
    public void Weights_can_be_converted_in_place()
    {
        var conv = nn.Conv2d(8, 3, 3);
        var before = conv.weight!.clone();
        TensorLayout.ConvertWeightsToChannelsLast(conv);
        Assert.True(TensorLayout.IsChannelsLast(conv.weight!));
        Assert.True(conv.weight!.allclose(before, 0, 0));
        // Still a parameter of the module after set_.
        Assert.Contains(conv.parameters(), p => p.Handle == conv.weight!.Handle);
    }

    [Fact]
    public void Conv_output_stays_channels_last()
    {
        var conv = nn.Conv2d(3, 16, 3, padding: 1);
        using var x = TensorLayout.ToPreferred(torch.rand(1, 3, 9, 9));
        using var y = conv.call(x);
        Assert.True(TensorLayout.IsChannelsLast(y));
    }
}
