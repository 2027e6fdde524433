using Rgsud.Runtime;

namespace Rgsud.Core.Tests.Runtime;

public sealed class NativeDiagnosticsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rgsud-native-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string FakeLibstdcxx(params string[] versions)
    {
        var path = Path.Combine(dir, "libstdc++.so.6.0.30");
        File.WriteAllBytes(path, [.. "\u007fELF fake"u8, .. versions.SelectMany(v => System.Text.Encoding.ASCII.GetBytes(v + "\0"))]);
        return path;
    }

    [Fact]
    public void Old_libstdcxx_is_named_with_the_fix()
    {
        var lib = FakeLibstdcxx("GLIBCXX_3.4.29", "GLIBCXX_3.4.30");
        var failure = new TypeInitializationException("TorchSharp.torch",
            new NotSupportedException("The libtorch_cpu.so native library could not be loaded: GLIBCXX_3.4.32 not found"));
        var e = NativeDiagnostics.Explain(failure, lib);
        Assert.IsType<RgsudNativeException>(e);
        Assert.Contains(lib, e.Message);
        Assert.Contains("lacks GLIBCXX_3.4.32", e.Message);
        Assert.Contains("apt-get install -t trixie libstdc++6", e.Message);
        Assert.Contains("scripts/ensure-native.sh", e.Message);
        Assert.Same(failure, e.InnerException);
    }

    [Fact]
    public void Missing_native_package_is_named_when_libstdcxx_is_fine()
    {
        var lib = FakeLibstdcxx("GLIBCXX_3.4.30", "GLIBCXX_3.4.32");
        var failure = new TypeInitializationException("TorchSharp.torch",
            new NotSupportedException("The libtorch-cpu native library could not be found"));
        var e = NativeDiagnostics.Explain(failure, lib);
        Assert.Contains("TorchSharp-cpu", e.Message);
        Assert.DoesNotContain("lacks", e.Message);
    }

    [Fact]
    public void Version_check_reads_the_library()
    {
        Assert.False(NativeDiagnostics.ContainsSymbolVersion(FakeLibstdcxx("GLIBCXX_3.4.30")));
        Assert.True(NativeDiagnostics.ContainsSymbolVersion(FakeLibstdcxx("GLIBCXX_3.4.32")));
        // This machine's own libstdc++ must have it, or no TorchSharp test could run.
        var system = NativeDiagnostics.FindLibstdcxx();
        if (system is not null) Assert.True(NativeDiagnostics.ContainsSymbolVersion(system), system);
    }
}
