using System.Diagnostics;

namespace Rgsud.IntegrationTests;

/// <summary>Runs a built sample (<c>dotnet Sample.dll args</c>) in a folder and captures what it prints.</summary>
internal static class SampleProcess
{
    /// <summary>The built entry point of <paramref name="sample"/>, from the samples.txt the build writes.</summary>
    public static string EntryPoint(string sample)
    {
        var list = Path.Combine(AppContext.BaseDirectory, "samples.txt");
        Assert.True(File.Exists(list), $"{list} is missing: build the test project (it builds the samples and lists them)");
        var path = File.ReadAllLines(list).FirstOrDefault(p => string.Equals(Path.GetFileNameWithoutExtension(p), sample, StringComparison.Ordinal));
        Assert.True(path is not null, $"{sample} is not in {list}: add it to RgsudSample in Rgsud.IntegrationTests.csproj");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first");
        return path!;
    }

    /// <summary>Runs the sample with a time limit; libtorch gets one thread unless OMP_NUM_THREADS says otherwise.</summary>
    public static (int Code, string Out, string Err) Run(string sample, string workingDirectory, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(EntryPoint(sample));
        foreach (var a in args) start.ArgumentList.Add(a);
        // OpenMP threads spin while they wait: on a busy 2-core machine one thread is several times faster.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"))) start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{sample} did not finish within {limit.TotalSeconds:F0} s; output so far:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
