namespace Rgsud.Testing;

/// <summary>A theory that is reported as skipped, with the reason, when <c>../shared</c> is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SharedDataTheoryAttribute()
    {
        if (!SharedData.Available) Skip = SharedData.SkipReason;
    }
}
