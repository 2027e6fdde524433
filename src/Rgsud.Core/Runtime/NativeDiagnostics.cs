using System.Text;

namespace Rgsud.Runtime;

/// <summary>Turns a failure to load libtorch into an <see cref="RgsudNativeException"/> that names the cause and the fix.</summary>
public static class NativeDiagnostics
{
    /// <summary>The libstdc++ symbol version libtorch 2.10 needs (GCC 13+).</summary>
    public const string RequiredGlibcxx = "GLIBCXX_3.4.32";

    private static readonly string[] LibstdcxxCandidates =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
    ];

    /// <summary>The system's libstdc++.so.6 (resolved), or null when none is found or not on Linux.</summary>
    public static string? FindLibstdcxx()
    {
        if (!OperatingSystem.IsLinux()) return null;
        foreach (var candidate in LibstdcxxCandidates)
        {
            if (!File.Exists(candidate)) continue;
            var info = new FileInfo(candidate);
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? info.FullName;
        }
        return null;
    }

    /// <summary>True when the file contains the symbol-version string <paramref name="version"/>.</summary>
    public static bool ContainsSymbolVersion(string libraryPath, string version = RequiredGlibcxx)
    {
        ArgumentNullException.ThrowIfNull(libraryPath);
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        var bytes = File.ReadAllBytes(libraryPath);
        return bytes.AsSpan().IndexOf(needle) >= 0;
    }

    /// <summary>
    /// Explains why TorchSharp could not load its native library. <paramref name="libstdcxxPath"/> is the
    /// libstdc++ to inspect (null: find the system's).
    /// </summary>
    public static RgsudNativeException Explain(Exception failure, string? libstdcxxPath = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var detail = Innermost(failure).Message;
        libstdcxxPath ??= FindLibstdcxx();
        if (libstdcxxPath is not null && File.Exists(libstdcxxPath) && !ContainsSymbolVersion(libstdcxxPath))
        {
            return new RgsudNativeException(
                $"TorchSharp could not load libtorch: {libstdcxxPath} (libstdc++.so.6) lacks {RequiredGlibcxx}, which " +
                "libtorch 2.10 needs (libstdc++ from GCC 13 or newer). Fix: run 'scripts/ensure-native.sh' as root " +
                "(on Debian 12 it installs libstdc++6 from Debian 13 'trixie' pinned low: " +
                "'apt-get install -t trixie libstdc++6'); elsewhere install a libstdc++ from GCC 13+. " +
                $"See docs/troubleshooting.md. Loader said: {detail}", failure);
        }
        if (detail.Contains("libtorch", StringComparison.OrdinalIgnoreCase) ||
            detail.Contains("LibTorchSharp", StringComparison.OrdinalIgnoreCase))
        {
            return new RgsudNativeException(
                "TorchSharp could not load its native library (libtorch / LibTorchSharp). Reference a native package: " +
                "'TorchSharp-cpu' (the Rgsud meta-package does), or 'TorchSharp-cuda-linux' / 'TorchSharp-cuda-windows' " +
                $"for CUDA. See docs/troubleshooting.md. Loader said: {detail}", failure);
        }
        return new RgsudNativeException(
            $"TorchSharp could not initialise its native runtime: {detail}. See docs/troubleshooting.md.", failure);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null && e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            if (e.InnerException is null) break;
            e = e.InnerException;
        }
        return e;
    }
}
