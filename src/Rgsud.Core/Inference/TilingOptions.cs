namespace Rgsud.Inference;

/// <summary>How <see cref="DerainerInference"/> splits a large image.</summary>
public sealed record TilingOptions
{
    /// <summary>Square tile size in pixels (default 512).</summary>
    public int TileSize { get; init; } = 512;

    /// <summary>
    /// Overlap between neighbouring tiles in pixels (default 32). The outer quarter of it on each side is dropped (the
    /// network sees an artificial border there) and the middle half is blended linearly, so seams do not show.
    /// </summary>
    public int Overlap { get; init; } = 32;

    /// <summary>Images with more pixels than this are tiled; smaller ones run whole (default 1 Mpx).</summary>
    public long TileAbovePixels { get; init; } = 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static TilingOptions Default { get; } = new();

    /// <summary>Never tile.</summary>
    public static TilingOptions Never { get; } = new() { TileAbovePixels = long.MaxValue };

    /// <summary>Throws <see cref="ArgumentException"/> when the values cannot work.</summary>
    public void Validate()
    {
        if (TileSize < 16) throw new ArgumentException($"TileSize must be at least 16 (was {TileSize}).");
        if (Overlap < 0 || Overlap * 2 >= TileSize) throw new ArgumentException($"Overlap must be between 0 and TileSize/2 (was {Overlap} with TileSize {TileSize}).");
    }
}
