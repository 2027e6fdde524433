namespace Rgsud.Networks.Critics;

/// <summary>Options of <see cref="PatchGan"/>; the defaults are pix2pix's <c>basic</c> discriminator on CSUD's high-pass input.</summary>
public sealed record PatchGanOptions
{
    /// <summary>Filters of the first convolution (pix2pix's <c>ndf</c>, 64).</summary>
    public int BaseChannels { get; init; } = 64;

    /// <summary>Number of stride-2 convolution layers (pix2pix's <c>n_layers</c>, 3: a 70×70 receptive field).</summary>
    public int Layers { get; init; } = 3;

    /// <summary>
    /// When true (CSUD) the critic sees the 6-channel <c>[I, I − GaussianBlur(I)]</c>; when false the plain image
    /// (3 channels, pix2pix / CycleGAN).
    /// </summary>
    public bool HighPassInput { get; init; } = true;

    /// <summary>Side of the Gaussian blur kernel of the high-pass input (odd; CSUD: 15).</summary>
    public int BlurKernelSize { get; init; } = 15;

    /// <summary>Standard deviation of the Gaussian blur in pixels (CSUD: 9).</summary>
    public double BlurSigma { get; init; } = 9;

    /// <summary>CSUD's critic (the defaults).</summary>
    public static PatchGanOptions Reference => new();

    /// <summary>A CPU-sized critic: 16 base channels, 3 layers, high-pass input.</summary>
    public static PatchGanOptions Small => new() { BaseChannels = 16 };

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (BaseChannels < 1)
            throw new RgsudException($"PatchGanOptions.BaseChannels must be at least 1, got {BaseChannels}");
        if (Layers < 1)
            throw new RgsudException($"PatchGanOptions.Layers must be at least 1, got {Layers}");
        if (BlurKernelSize < 1 || BlurKernelSize % 2 == 0)
            throw new RgsudException($"PatchGanOptions.BlurKernelSize must be a positive odd number, got {BlurKernelSize}");
        if (!(BlurSigma > 0) || double.IsInfinity(BlurSigma))
            throw new RgsudException($"PatchGanOptions.BlurSigma must be positive and finite, got {BlurSigma}");
    }
}
