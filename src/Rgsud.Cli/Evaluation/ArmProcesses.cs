using System.Diagnostics;
using System.Globalization;
using Rgsud.Cli.Commands;
using Rgsud.Cli.Output;
using Rgsud.Cli.Reports;

namespace Rgsud.Cli.Evaluation;

/// <summary>
/// Trains the arms of a comparison as concurrent child <c>rgsud train</c> processes. Each child gets
/// <c>OMP_NUM_THREADS = cores / jobs</c> (libtorch slows down badly when more threads than cores compete), its own
/// random generator (a same-seed arm starts from the same networks, as in one process), and its output in
/// <c>OUT/ARM.log</c>; its lines are echoed with the arm's name.
/// </summary>
internal static class ArmProcesses
{
    /// <summary>Runs every arm, at most <paramref name="jobs"/> at a time; returns the outcomes by arm name.</summary>
    /// <exception cref="RgsudException">A child failed (its exit code and log are named).</exception>
    public static IReadOnlyDictionary<string, TrainOutcome> Train(CliConsole console, IReadOnlyList<(string Name, TrainRequest Request)> arms,
        string outputRoot, int jobs, CancellationToken cancellationToken)
    {
        int threads = Math.Max(1, Environment.ProcessorCount / jobs);
        console.Out.WriteLine($"== training {arms.Count} arms as {Math.Min(jobs, arms.Count)} concurrent processes, {threads} libtorch thread(s) each");
        var gate = new object();
        var outcomes = new Dictionary<string, TrainOutcome>();
        var failures = new List<string>();
        using var slots = new SemaphoreSlim(jobs);
        var tasks = arms.Select(arm => Task.Run(() =>
        {
            slots.Wait(cancellationToken);
            try
            {
                var outcome = RunOne(console, gate, arm.Name, arm.Request, outputRoot, threads, cancellationToken, out var failure);
                lock (gate)
                {
                    if (failure is not null) failures.Add(failure);
                    else outcomes[arm.Name] = outcome!;
                }
            }
            finally
            {
                slots.Release();
            }
        }, cancellationToken)).ToArray();
        try
        {
            Task.WaitAll(tasks, cancellationToken);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException("cancelled while training the arms", e);
        }
        if (failures.Count > 0) throw new RgsudException(string.Join("; ", failures));
        return outcomes;
    }

    private static TrainOutcome? RunOne(CliConsole console, object gate, string name, TrainRequest request, string outputRoot, int threads,
        CancellationToken cancellationToken, out string? failure)
    {
        failure = null;
        var logPath = Path.Combine(outputRoot, ComparisonRunner.Safe(name) + ".log");
        var info = SelfStartInfo(TrainArguments.For(request));
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        info.Environment["MKL_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        lock (gate) console.Out.WriteLine($"== {name}: training {ComparisonRunner.Describe(request)} (child process, output in {logPath})");
        var watch = Stopwatch.StartNew();
        using var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        using var process = new Process { StartInfo = info };
        void Line(string? text)
        {
            if (text is null) return;
            lock (gate)
            {
                log.WriteLine(text);
                console.Out.WriteLine($"[{name}] {text}");
            }
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            process.WaitForExit();
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            failure = $"arm '{name}': rgsud train exited with code {process.ExitCode} (see {logPath})";
            return null;
        }
        var entries = TrainingLogReader.Read(Path.Combine(request.Out, "log.jsonl"));
        long steps = entries.Count == 0 ? 0 : entries.Max(e => e.Step);
        return new TrainOutcome(Path.GetFullPath(request.Out), steps, Cancelled: false, watch.Elapsed, Path.Combine(Path.GetFullPath(request.Out), "report.html"));
    }

    /// <summary>
    /// A start info that runs this same CLI with <paramref name="args"/>: the <c>rgsud</c> apphost when this process is
    /// it, else <c>dotnet rgsud.dll</c> (the muxer of this process, <c>DOTNET_HOST_PATH</c>, or <c>dotnet</c> on PATH).
    /// </summary>
    private static ProcessStartInfo SelfStartInfo(IReadOnlyList<string> args)
    {
        var self = Environment.ProcessPath;
        var dll = typeof(ArmProcesses).Assembly.Location;
        ProcessStartInfo info;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals(Path.GetFileNameWithoutExtension(dll), StringComparison.OrdinalIgnoreCase))
            info = new ProcessStartInfo(self);
        else
        {
            string host = self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
                ? self
                : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
            info = new ProcessStartInfo(host);
            info.ArgumentList.Add(dll);
        }
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }
}
