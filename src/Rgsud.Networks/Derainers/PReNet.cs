using Rgsud.Abstractions;
using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Derainers;

/// <summary>
/// PReNet, the progressive recurrent deraining network of Ren et al., "Progressive Image Deraining Networks: A
/// Better and Simpler Baseline" (CVPR 2019) — a faithful port of the <c>PReNet</c> class of the authors'
/// <c>networks.py</c>, with the same state-dict names (<c>conv0.0.weight</c>, <c>res_conv1.0.weight</c>, ...,
/// <c>conv.0.bias</c>), so the authors' weights load unchanged.
/// </summary>
/// <remarks>
/// Each of the <see cref="PReNetOptions.Iterations"/> stages computes
/// <c>x = ReLU(conv0(cat(input, x)))</c>; an LSTM cell on <c>cat(x, h)</c> (gates <c>conv_i</c>, <c>conv_f</c>,
/// <c>conv_o</c> with sigmoid, <c>conv_g</c> with tanh; <c>c = f·c + i·g</c>, <c>h = o·tanh(c)</c>); five residual
/// blocks <c>x = ReLU(ReLU(conv_b(ReLU(conv_a(x)))) + x)</c>; and <c>x = conv(x) + input</c>. All convolutions are
/// 3×3, stride 1, padding 1, so any height and width work. The output (the last stage's x) is not clamped.
/// Input and output are <c>[N, 3, H, W]</c> in [0, 1]; the hidden state is created on the input's device and dtype.
/// </remarks>
public sealed class PReNet : Module<Tensor, Tensor>, IResidualDerainer
{
    private const int Channels = 32;

    // Field names are the PyTorch state-dict names (RegisterComponents uses them).
#pragma warning disable IDE1006 // Naming: must match the authors' module names.
    private readonly Sequential conv0;
    private readonly Sequential res_conv1;
    private readonly Sequential res_conv2;
    private readonly Sequential res_conv3;
    private readonly Sequential res_conv4;
    private readonly Sequential res_conv5;
    private readonly Sequential conv_i;
    private readonly Sequential conv_f;
    private readonly Sequential conv_g;
    private readonly Sequential conv_o;
    private readonly Sequential conv;
#pragma warning restore IDE1006

    /// <summary>Creates PReNet with freshly initialised weights (PyTorch's default initialisation).</summary>
    /// <param name="options">Options; null for the authors' defaults.</param>
    /// <exception cref="RgsudException">An option is invalid.</exception>
    public PReNet(PReNetOptions? options = null) : base(nameof(PReNet))
    {
        RgsudRuntime.EnsureInitialized();
        Options = options ?? new PReNetOptions();
        Options.Validate();

        conv0 = Sequential(Conv(3 + 3, Channels), ReLU());
        res_conv1 = ResidualBranch();
        res_conv2 = ResidualBranch();
        res_conv3 = ResidualBranch();
        res_conv4 = ResidualBranch();
        res_conv5 = ResidualBranch();
        conv_i = Sequential(Conv(2 * Channels, Channels), Sigmoid());
        conv_f = Sequential(Conv(2 * Channels, Channels), Sigmoid());
        conv_g = Sequential(Conv(2 * Channels, Channels), Tanh());
        conv_o = Sequential(Conv(2 * Channels, Channels), Sigmoid());
        conv = Sequential(Conv(Channels, 3));
        RegisterComponents();
        TensorLayout.ApplyPreferred(this);
    }

    /// <summary>The options this network was built with.</summary>
    public PReNetOptions Options { get; }

    /// <inheritdoc />
    public void InitializeAsIdentity()
    {
        using var noGrad = no_grad();
        foreach (var p in conv.parameters()) p.zero_();
    }

    /// <summary>Derains <paramref name="input"/> (<c>[N, 3, H, W]</c>, values in [0, 1]); returns the last stage's output.</summary>
    /// <exception cref="ArgumentException">The input is not <c>[N, 3, H, W]</c>.</exception>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != 3)
            throw new ArgumentException($"PReNet expects a [N, 3, H, W] tensor, got [{string.Join(", ", input.shape)}]", nameof(input));

        using var scope = NewDisposeScope();
        var image = TensorLayout.ToPreferred(input);
        long[] stateShape = [input.shape[0], Channels, input.shape[2], input.shape[3]];
        var x = image.alias();
        var h = ZeroState(stateShape, image);
        var c = ZeroState(stateShape, image);
        for (var stage = 0; stage < Options.Iterations; stage++)
        {
            Tensor nextX, nextH, nextC;
            using (var stageScope = NewDisposeScope())
            {
                Tensor features;
                using (var joined = cat([image, x], 1)) features = conv0.call(joined);
                using var z = cat([features, h], 1);
                features.Dispose();
                using var i = conv_i.call(z);
                using var f = conv_f.call(z);
                using var g = conv_g.call(z);
                using var o = conv_o.call(z);
                using (var fc = f * c)
                using (var ig = i * g)
                    nextC = fc + ig;
                using (var tc = nextC.tanh())
                    nextH = o * tc;
                var y = Residual(res_conv1, nextH);
                y = Residual(res_conv2, y, dispose: true);
                y = Residual(res_conv3, y, dispose: true);
                y = Residual(res_conv4, y, dispose: true);
                y = Residual(res_conv5, y, dispose: true);
                using (var r = conv.call(y)) nextX = r + image;
                y.Dispose();
                stageScope.MoveToOuter(nextX, nextH, nextC);
            }
            x.Dispose();
            h.Dispose();
            c.Dispose();
            (x, h, c) = (nextX, nextH, nextC);
        }
        return x.MoveToOuterDisposeScope();
    }

    private static Tensor Residual(Sequential branch, Tensor x, bool dispose = false)
    {
        using var b = branch.call(x);
        using var sum = b + x;
        if (dispose) x.Dispose();
        return functional.relu(sum);
    }

    private static Tensor ZeroState(long[] shape, Tensor like)
    {
        using var z = zeros(shape, dtype: like.dtype, device: like.device);
        return TensorLayout.ToPreferred(z);
    }

    private static Conv2d Conv(long inChannels, long outChannels) =>
        Conv2d(inChannels, outChannels, kernel_size: 3, stride: 1, padding: 1);

    private static Sequential ResidualBranch() =>
        Sequential(Conv(Channels, Channels), ReLU(), Conv(Channels, Channels), ReLU());
}
