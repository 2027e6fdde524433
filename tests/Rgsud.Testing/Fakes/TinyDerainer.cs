using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>A small real residual conv derainer for tests: x + conv(relu(conv(relu(conv(x))))).</summary>
public sealed class TinyDerainer : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;

    /// <summary>Creates the network.</summary>
    public TinyDerainer(int width = 16) : base(nameof(TinyDerainer))
    {
        conv1 = nn.Conv2d(3, width, 3, padding: 1);
        conv2 = nn.Conv2d(width, width, 3, padding: 1);
        conv3 = nn.Conv2d(width, 3, 3, padding: 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(conv1.call(input));
        h = nn.functional.relu(conv2.call(h));
        return (input + conv3.call(h)).MoveToOuterDisposeScope();
    }
}
