namespace Rgsud.Networks.Generators;

/// <summary>Options of <see cref="RainConditionedGenerator"/>; the defaults follow CSUD's generator T.</summary>
public sealed record RainConditionedGeneratorOptions
{
    /// <summary>Channels C after the shared 7×7 input convolution (CSUD: 64). The rain branch reaches 4C, the body works at 2C.</summary>
    public int BaseChannels { get; init; } = 64;

    /// <summary>Residual blocks of the clean branch, at 2C channels (CSUD: 6).</summary>
    public int ResidualBlocks { get; init; } = 6;

    /// <summary>CSUD's configuration (the defaults): 64 base channels, 6 residual blocks.</summary>
    public static RainConditionedGeneratorOptions Reference => new();

    /// <summary>A CPU-sized configuration: 32 base channels, 2 residual blocks.</summary>
    public static RainConditionedGeneratorOptions Small => new() { BaseChannels = 32, ResidualBlocks = 2 };

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (BaseChannels < 1)
            throw new RgsudException($"RainConditionedGeneratorOptions.BaseChannels must be at least 1, got {BaseChannels}");
        if (ResidualBlocks < 0)
            throw new RgsudException($"RainConditionedGeneratorOptions.ResidualBlocks must not be negative, got {ResidualBlocks}");
    }
}
