namespace Rgsud.Testing;

/// <summary>
/// Locates the project's read-only <c>shared/</c> folder (data, weights, NIQE model) at <c>../shared</c> from the
/// repository root, or at <c>RGSUD_SHARED</c>. Tests that need it use <see cref="SharedDataFactAttribute"/>.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(Locate);

    /// <summary>The shared folder, or null when absent (a user's clone).</summary>
    public static string? Directory => Root.Value;

    /// <summary>True when the shared folder exists.</summary>
    public static bool Available => Root.Value is not null;

    /// <summary>The reason shown for a skipped test.</summary>
    public const string SkipReason =
        "needs ../shared (Rain100L images, PReNet weights, NIQE model); absent in this clone. Set RGSUD_SHARED to use another location.";

    /// <summary>A path inside the shared folder; throws when it is absent.</summary>
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([Root.Value ?? throw new InvalidOperationException(SkipReason), .. parts]);

    /// <summary>The repository root (the folder holding Rgsud.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Rgsud.sln")))
            dir = dir.Parent;
        if (dir is not null) return dir.FullName;
        var built = typeof(SharedData).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RgsudRepositoryRoot")?.Value;
        if (built is not null && File.Exists(System.IO.Path.Combine(built, "Rgsud.sln"))) return System.IO.Path.GetFullPath(built);
        dir = new DirectoryInfo(System.IO.Directory.GetCurrentDirectory());
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Rgsud.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? System.IO.Directory.GetCurrentDirectory();
    }

    private static string? Locate()
    {
        var env = Environment.GetEnvironmentVariable("RGSUD_SHARED");
        if (!string.IsNullOrEmpty(env))
            return System.IO.Directory.Exists(env) ? System.IO.Path.GetFullPath(env) : null;
        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "..", "shared"));
        return System.IO.Directory.Exists(System.IO.Path.Combine(candidate, "data")) ? candidate : null;
    }
}
