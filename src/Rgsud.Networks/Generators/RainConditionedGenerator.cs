using Rgsud.Abstractions;
using Rgsud.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Rgsud.Networks.Generators;

/// <summary>
/// CSUD's rain-conditioned generator <c>T(x, y)</c> (Dong et al., CVPR 2025): renders the rain of a reference
/// image y onto a clean image x. The authors' code is not available here; this follows the architecture the
/// paper describes, with PyTorch-style state-dict names of its own (<c>head.1.weight</c>,
/// <c>rain_down.0.weight_orig</c>, <c>rain_up.0.weight</c>, <c>body.0.conv_block.1.weight</c>,
/// <c>tail.4.weight</c>, ...).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>head</c>: ReflectionPad(3), Conv 7×7 (3 → C), LeakyReLU(0.2) — shared by both inputs.</item>
/// <item>Rain branch on y: <c>rain_down</c> = two spectral-normalised 3×3 stride-2 convolutions (C → 2C → 4C),
/// each followed by LeakyReLU(0.2); <c>rain_up</c> = two 3×3 stride-2 transposed convolutions (4C → 2C → C),
/// each followed by LeakyReLU(0.2). The head features of y are replicate-padded to a multiple of 4 on the bottom
/// and right and the rain features cropped back, so any size works.</item>
/// <item>Clean branch: the head features of x (C) concatenated with the rain features (C) → 2C channels;
/// <c>body</c> = residual blocks at 2C (reflection-padded conv 3×3, instance norm, ReLU, conv 3×3, instance norm,
/// plus the skip).</item>
/// <item><c>tail</c>: ReflectionPad(1), Conv 3×3 (2C → C), ReLU, ReflectionPad(3), Conv 7×7 (C → 3).</item>
/// <item>Output: <c>x + tail(...)</c>, not clamped and without tanh/sigmoid — a residual on the clean input, so
/// the rendered image starts near x and the network only has to learn the rain layer (which may brighten or
/// darken pixels).</item>
/// </list>
/// x and y must have the same height and width.
/// </remarks>
public sealed class RainConditionedGenerator : Module<Tensor, Tensor, Tensor>, IRainRenderer
{
    private const int ImageChannels = 3;
    private const int Multiple = 4;

#pragma warning disable IDE1006 // Naming: PyTorch state-dict names.
    private readonly Sequential head;
    private readonly Sequential rain_down;
    private readonly Sequential rain_up;
    private readonly Sequential body;
    private readonly Sequential tail;
#pragma warning restore IDE1006

    /// <summary>Creates the generator with freshly initialised weights.</summary>
    /// <param name="options">Options; null for <see cref="RainConditionedGeneratorOptions.Reference"/>.</param>
    /// <exception cref="RgsudException">An option is invalid.</exception>
    public RainConditionedGenerator(RainConditionedGeneratorOptions? options = null) : base(nameof(RainConditionedGenerator))
    {
        RgsudRuntime.EnsureInitialized();
        Options = options ?? RainConditionedGeneratorOptions.Reference;
        Options.Validate();
        long c = Options.BaseChannels;

        head = Sequential(ReflectionPad2d(3), Conv2d(ImageChannels, c, kernel_size: 7), LeakyReLU(0.2));
        rain_down = Sequential(
            new SpectralNormConv2d(c, 2 * c, 3, stride: 2, padding: 1), LeakyReLU(0.2),
            new SpectralNormConv2d(2 * c, 4 * c, 3, stride: 2, padding: 1), LeakyReLU(0.2));
        rain_up = Sequential(
            ConvTranspose2d(4 * c, 2 * c, kernel_size: 3, stride: 2, padding: 1, output_padding: 1), LeakyReLU(0.2),
            ConvTranspose2d(2 * c, c, kernel_size: 3, stride: 2, padding: 1, output_padding: 1), LeakyReLU(0.2));
        body = Sequential();
        for (var i = 0; i < Options.ResidualBlocks; i++) body.append(new ResnetBlock(2 * c));
        tail = Sequential(
            ReflectionPad2d(1), Conv2d(2 * c, c, kernel_size: 3), ReLU(),
            ReflectionPad2d(3), Conv2d(c, ImageChannels, kernel_size: 7));
        RegisterComponents();
        TensorLayout.ApplyPreferred(this);
    }

    /// <summary>The options this generator was built with.</summary>
    public RainConditionedGeneratorOptions Options { get; }

    /// <summary>
    /// Renders the rain of <paramref name="rainReference"/> onto <paramref name="clean"/> (both <c>[N, 3, H, W]</c>,
    /// same size, at least 4×4); returns <c>[N, 3, H, W]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not <c>[N, 3, H, W]</c> of the same shape, or are smaller than 4×4.</exception>
    public override Tensor forward(Tensor clean, Tensor rainReference)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(rainReference);
        if (clean.dim() != 4 || clean.shape[1] != ImageChannels)
            throw new ArgumentException($"RainConditionedGenerator expects a clean [N, 3, H, W] tensor, got [{string.Join(", ", clean.shape)}]", nameof(clean));
        if (!rainReference.shape.SequenceEqual(clean.shape))
            throw new ArgumentException(
                $"RainConditionedGenerator expects a rain reference of the clean image's shape [{string.Join(", ", clean.shape)}], got [{string.Join(", ", rainReference.shape)}]",
                nameof(rainReference));
        long h = clean.shape[2], w = clean.shape[3];
        if (h < 4 || w < 4)
            throw new ArgumentException($"RainConditionedGenerator needs images of at least 4×4, got {h}×{w}", nameof(clean));

        using var scope = NewDisposeScope();
        var x = TensorLayout.ToPreferred(clean);
        var y = TensorLayout.ToPreferred(rainReference);

        var rain = head.call(y);
        long padH = (Multiple - h % Multiple) % Multiple;
        long padW = (Multiple - w % Multiple) % Multiple;
        if (padH != 0 || padW != 0) rain = functional.pad(rain, [0, padW, 0, padH], PaddingModes.Replicate);
        rain = rain_up.call(rain_down.call(rain));
        if (padH != 0 || padW != 0) rain = rain.narrow(2, 0, h).narrow(3, 0, w);

        var features = cat([head.call(x), rain], 1);
        var result = x + tail.call(body.call(features));
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Render(Tensor clean, Tensor rainReference) => call(clean, rainReference);
}
