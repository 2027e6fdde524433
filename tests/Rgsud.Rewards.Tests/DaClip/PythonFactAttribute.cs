namespace Rgsud.Rewards.Tests.DaClip;

/// <summary>A fact that is skipped (with the reason) when <c>python3</c> cannot be run.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() => Python.Run(["--version"], out _, out _) == 0);

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when python3 is missing.</summary>
    public PythonFactAttribute()
    {
        if (!Available.Value) Skip = "python3 is not on PATH: the tools/ script checks need it";
    }
}
