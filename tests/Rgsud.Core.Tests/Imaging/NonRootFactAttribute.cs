namespace Rgsud.Core.Tests.Imaging;

/// <summary>A fact skipped where file permissions cannot deny access (root, or Windows).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NonRootFactAttribute : FactAttribute
{
    public NonRootFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "file modes are a Unix feature";
        else if (Environment.UserName == "root") Skip = "running as root: file permissions do not deny access";
    }
}
