using System.Runtime.InteropServices;

namespace Rgsud.Runtime;

/// <summary>
/// Process-level switches for libtorch's oneDNN that TorchSharp does not expose: the <c>ONEDNN_MAX_CPU_ISA</c>
/// environment variable (must reach libc's environment before the first convolution) and
/// <c>at::Context::setUserEnabledMkldnn</c>.
/// </summary>
internal static partial class OneDnnControl
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    private delegate IntPtr GlobalContextFn();

    private delegate void SetUserEnabledMkldnnFn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    /// <summary>Sets <c>ONEDNN_MAX_CPU_ISA</c> through libc so oneDNN sees it (Environment.SetEnvironmentVariable does not).</summary>
    public static void SetMaxCpuIsa(string isa)
    {
        Environment.SetEnvironmentVariable("ONEDNN_MAX_CPU_ISA", isa);
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            if (SetEnv("ONEDNN_MAX_CPU_ISA", isa, 1) != 0)
                throw new RgsudNumericsException("could not set ONEDNN_MAX_CPU_ISA through libc setenv");
        }
    }

    private static string? LoadedLibraryPath(string fileName)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && line.EndsWith("/" + fileName, StringComparison.Ordinal)) return line[slash..];
        }
        return null;
    }

    /// <summary>Switches oneDNN off in libtorch; returns false when the export cannot be found.</summary>
    public static bool TryDisable()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var handle))
        {
            var loaded = LoadedLibraryPath("libtorch_cpu.so");
            if (loaded is null || !NativeLibrary.TryLoad(loaded, out handle)) return false;
        }
        if (!NativeLibrary.TryGetExport(handle, "_ZN2at13globalContextEv", out var contextPtr)) return false;
        if (!NativeLibrary.TryGetExport(handle, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setPtr)) return false;
        var context = Marshal.GetDelegateForFunctionPointer<GlobalContextFn>(contextPtr)();
        Marshal.GetDelegateForFunctionPointer<SetUserEnabledMkldnnFn>(setPtr)(context, false);
        return true;
    }
}
