namespace Rgsud.Networks.Derainers;

/// <summary>Options of <see cref="PReNet"/>; the defaults are the authors' PReNet (6 stages).</summary>
public sealed record PReNetOptions
{
    /// <summary>Number of recurrent stages T (the authors use 6). Must be at least 1.</summary>
    public int Iterations { get; init; } = 6;

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Iterations < 1)
            throw new RgsudException($"PReNetOptions.Iterations must be at least 1, got {Iterations}");
    }
}
