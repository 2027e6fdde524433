namespace Rgsud.Networks.Generators;

/// <summary>Options of <see cref="ResnetGenerator"/>; the defaults are CycleGAN's <c>resnet_6blocks</c> generator.</summary>
public sealed record ResnetGeneratorOptions
{
    /// <summary>Channels after the first convolution (CycleGAN's <c>ngf</c>, 64); 2× and 4× after the two downsamplings.</summary>
    public int BaseChannels { get; init; } = 64;

    /// <summary>Residual blocks at 4·<see cref="BaseChannels"/> channels (6 or 9 in CycleGAN).</summary>
    public int ResidualBlocks { get; init; } = 6;

    /// <summary>CycleGAN's <c>resnet_6blocks</c> configuration (the defaults).</summary>
    public static ResnetGeneratorOptions Reference => new();

    /// <summary>A CPU-sized configuration: 16 base channels, 2 residual blocks.</summary>
    public static ResnetGeneratorOptions Small => new() { BaseChannels = 16, ResidualBlocks = 2 };

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (BaseChannels < 1)
            throw new RgsudException($"ResnetGeneratorOptions.BaseChannels must be at least 1, got {BaseChannels}");
        if (ResidualBlocks < 0)
            throw new RgsudException($"ResnetGeneratorOptions.ResidualBlocks must not be negative, got {ResidualBlocks}");
    }
}
