namespace Rgsud.Networks.Derainers;

/// <summary>
/// Options of <see cref="RestormerLite"/> (the arguments of Restormer's constructor). The defaults are Restormer's
/// published configuration (dim 48, blocks [4, 6, 6, 8], heads [1, 2, 4, 8], 4 refinement blocks, FFN expansion
/// 2.66, no convolution bias, WithBias layer norm; 26 126 644 parameters).
/// </summary>
public sealed record RestormerLiteOptions
{
    /// <summary>Channels of level 1 (Restormer's <c>dim</c>); levels 2, 3, 4 have 2, 4 and 8 times as many.</summary>
    public int Dim { get; init; } = 48;

    /// <summary>Transformer blocks at levels 1–4 (<c>num_blocks</c>; level 4 is the latent). Exactly 4 entries.</summary>
    public IReadOnlyList<int> NumBlocks { get; init; } = [4, 6, 6, 8];

    /// <summary>Attention heads at levels 1–4 (<c>heads</c>). Exactly 4 entries; each must divide its level's channels.</summary>
    public IReadOnlyList<int> Heads { get; init; } = [1, 2, 4, 8];

    /// <summary>Transformer blocks of the refinement stage (<c>num_refinement_blocks</c>).</summary>
    public int RefinementBlocks { get; init; } = 4;

    /// <summary>GDFN expansion factor γ (<c>ffn_expansion_factor</c>); hidden channels are <c>int(channels · γ)</c>.</summary>
    public double FfnExpansionFactor { get; init; } = 2.66;

    /// <summary>Whether the convolutions have a bias (Restormer's <c>bias</c>, false in the published model).</summary>
    public bool Bias { get; init; }

    /// <summary>The published Restormer configuration (the defaults).</summary>
    public static RestormerLiteOptions Reference => new();

    /// <summary>A CPU-sized configuration: dim 16, one block per level, one refinement block.</summary>
    public static RestormerLiteOptions Small => new()
    {
        Dim = 16,
        NumBlocks = [1, 1, 1, 1],
        Heads = [1, 2, 4, 8],
        RefinementBlocks = 1,
    };

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Dim < 2 || Dim % 2 != 0)
            throw new RgsudException($"RestormerLiteOptions.Dim must be a positive even number, got {Dim}");
        if (NumBlocks is null || NumBlocks.Count != 4)
            throw new RgsudException($"RestormerLiteOptions.NumBlocks must have 4 entries, got {NumBlocks?.Count ?? 0}");
        if (Heads is null || Heads.Count != 4)
            throw new RgsudException($"RestormerLiteOptions.Heads must have 4 entries, got {Heads?.Count ?? 0}");
        for (var i = 0; i < 4; i++)
        {
            if (NumBlocks[i] < 0)
                throw new RgsudException($"RestormerLiteOptions.NumBlocks[{i}] must not be negative, got {NumBlocks[i]}");
            var channels = (long)Dim << i;
            if (Heads[i] < 1 || channels % Heads[i] != 0)
                throw new RgsudException(
                    $"RestormerLiteOptions.Heads[{i}] must be a positive divisor of the level's {channels} channels, got {Heads[i]}");
        }
        // Level 1 of the decoder and the refinement run at 2·dim with heads[0] heads.
        if ((2L * Dim) % Heads[0] != 0)
            throw new RgsudException($"RestormerLiteOptions.Heads[0] must divide 2·Dim = {2 * Dim}, got {Heads[0]}");
        if (RefinementBlocks < 0)
            throw new RgsudException($"RestormerLiteOptions.RefinementBlocks must not be negative, got {RefinementBlocks}");
        if (!(FfnExpansionFactor > 0) || (int)(Dim * FfnExpansionFactor) < 1 || double.IsInfinity(FfnExpansionFactor))
            throw new RgsudException($"RestormerLiteOptions.FfnExpansionFactor must be positive (and Dim·factor at least 1), got {FfnExpansionFactor}");
    }
}
