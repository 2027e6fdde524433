using Rgsud.Cli;
using Xunit.Abstractions;

namespace Rgsud.IntegrationTests;

/// <summary>Runs the <c>rgsud</c> command line in-process, logging each call, in a temporary folder per test class instance.</summary>
public abstract class CliTestBase(ITestOutputHelper output, string prefix) : IDisposable
{
    /// <summary>The temporary folder, deleted on dispose.</summary>
    protected string Dir { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>A path inside <see cref="Dir"/>.</summary>
    protected string Sub(params string[] parts) => Path.Combine([Dir, .. parts]);

    /// <summary>The test's output.</summary>
    protected ITestOutputHelper Output => output;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs <c>rgsud args</c>; returns the exit code and what it wrote.</summary>
    protected (int Code, string Out, string Err) Rgsud(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        output.WriteLine($"$ rgsud {string.Join(' ', args)}  -> {code}");
        output.WriteLine(stdout.ToString());
        if (stderr.ToString().Length > 0) output.WriteLine("stderr: " + stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
