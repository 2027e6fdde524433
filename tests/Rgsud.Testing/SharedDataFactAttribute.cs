namespace Rgsud.Testing;

/// <summary>A fact that is reported as skipped, with the reason, when <c>../shared</c> is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SharedDataFactAttribute()
    {
        if (!SharedData.Available) Skip = SharedData.SkipReason;
    }
}
