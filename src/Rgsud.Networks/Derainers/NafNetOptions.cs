namespace Rgsud.Networks.Derainers;

/// <summary>
/// Options of <see cref="NafNet"/> (the arguments of NAFNet's constructor). The defaults are the configuration
/// CSUD and RGSUD use: width 32, encoder blocks [2, 2, 4, 8], 12 middle blocks, decoder blocks [2, 2, 2, 2]
/// (NAFNet's SIDD width-32 model; 29 159 715 parameters).
/// </summary>
public sealed record NafNetOptions
{
    /// <summary>Channels after the intro convolution (NAFNet's <c>width</c>); doubled at every encoder level.</summary>
    public int Width { get; init; } = 32;

    /// <summary>Number of NAFBlocks at each encoder level (<c>enc_blk_nums</c>); its length is the number of levels.</summary>
    public IReadOnlyList<int> EncoderBlocks { get; init; } = [2, 2, 4, 8];

    /// <summary>Number of NAFBlocks at the bottleneck (<c>middle_blk_num</c>).</summary>
    public int MiddleBlocks { get; init; } = 12;

    /// <summary>Number of NAFBlocks at each decoder level, deepest first (<c>dec_blk_nums</c>); same length as <see cref="EncoderBlocks"/>.</summary>
    public IReadOnlyList<int> DecoderBlocks { get; init; } = [2, 2, 2, 2];

    /// <summary>Dropout rate inside every NAFBlock (NAFNet's <c>drop_out_rate</c>; 0 disables it).</summary>
    public double DropoutRate { get; init; }

    /// <summary>The reference configuration of CSUD / RGSUD (the defaults).</summary>
    public static NafNetOptions Reference => new();

    /// <summary>A CPU-sized configuration for tests and quick runs: width 16, one block everywhere (4 levels).</summary>
    public static NafNetOptions Small => new()
    {
        Width = 16,
        EncoderBlocks = [1, 1, 1, 1],
        MiddleBlocks = 1,
        DecoderBlocks = [1, 1, 1, 1],
    };

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Width < 1)
            throw new RgsudException($"NafNetOptions.Width must be at least 1, got {Width}");
        if (EncoderBlocks is null)
            throw new RgsudException("NafNetOptions.EncoderBlocks must not be null");
        if (DecoderBlocks is null)
            throw new RgsudException("NafNetOptions.DecoderBlocks must not be null");
        if (EncoderBlocks.Count > 16)
            throw new RgsudException($"NafNetOptions.EncoderBlocks has {EncoderBlocks.Count} levels; at most 16 are supported");
        if (EncoderBlocks.Count != DecoderBlocks.Count)
            throw new RgsudException(
                $"NafNetOptions.DecoderBlocks must have as many levels as EncoderBlocks ({EncoderBlocks.Count}), got {DecoderBlocks.Count}");
        for (var i = 0; i < EncoderBlocks.Count; i++)
        {
            if (EncoderBlocks[i] < 0)
                throw new RgsudException($"NafNetOptions.EncoderBlocks[{i}] must not be negative, got {EncoderBlocks[i]}");
        }
        for (var i = 0; i < DecoderBlocks.Count; i++)
        {
            if (DecoderBlocks[i] < 0)
                throw new RgsudException($"NafNetOptions.DecoderBlocks[{i}] must not be negative, got {DecoderBlocks[i]}");
        }
        if (MiddleBlocks < 0)
            throw new RgsudException($"NafNetOptions.MiddleBlocks must not be negative, got {MiddleBlocks}");
        if (!(DropoutRate >= 0 && DropoutRate < 1))
            throw new RgsudException($"NafNetOptions.DropoutRate must be in [0, 1), got {DropoutRate}");
    }
}
