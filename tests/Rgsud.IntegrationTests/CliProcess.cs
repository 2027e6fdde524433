using System.Diagnostics;

namespace Rgsud.IntegrationTests;

/// <summary>
/// The real <c>rgsud</c> command line in a child process (<c>dotnet rgsud.dll ...</c>, the build copied next to the
/// tests), with its output collected line by line so a test can wait for a line and kill the process (SIGKILL).
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly object gate = new();

    private CliProcess(Process process) => this.process = process;

    /// <summary>The lines written so far to stdout and stderr (stderr lines start with "stderr: ").</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate) return lines.ToList();
        }
    }

    /// <summary>All output so far as one text.</summary>
    public string Output => string.Join('\n', Lines);

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The exit code (after exit).</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>Starts <c>dotnet rgsud.dll</c> with <paramref name="args"/> and extra environment variables.</summary>
    public static CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "rgsud.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("rgsud.dll is not next to the tests; build the solution first", dll);
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var info = new ProcessStartInfo(string.IsNullOrEmpty(host) ? "dotnet" : host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // One libtorch thread: on a loaded machine (CI, shared cores) OpenMP spinning makes a step many times slower.
        info.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var p = new Process { StartInfo = info };
        var cli = new CliProcess(p);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (cli.gate) cli.lines.Add(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (cli.gate) cli.lines.Add("stderr: " + e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Waits until <paramref name="condition"/> holds or the process exits; false on exit or timeout.</summary>
    public bool WaitUntil(Func<bool> condition, TimeSpan timeout, int pollMilliseconds = 5)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition()) return true;
            if (process.HasExited) return condition();
            Thread.Sleep(pollMilliseconds);
        }
        return false;
    }

    /// <summary>Kills the process at once (SIGKILL on Unix) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: false);
        process.WaitForExit();
    }

    /// <summary>Waits for exit (killing the process after <paramref name="timeout"/>); returns the exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"rgsud did not finish within {timeout}:\n{Output}");
        }
        process.WaitForExit(); // drain the output
        return process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!process.HasExited) Kill();
        process.Dispose();
    }
}
