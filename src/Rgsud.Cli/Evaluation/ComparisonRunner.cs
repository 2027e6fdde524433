using System.Globalization;
using Rgsud.Cli.Commands;
using Rgsud.Cli.Output;
using Rgsud.Data;
using Rgsud.Networks;
using Rgsud.Rewards.Scorers;

namespace Rgsud.Cli.Evaluation;

/// <summary>
/// Trains the arms of a comparison (the same train path as <c>rgsud train</c>, so each arm gets its run folder and
/// <c>report.html</c>) — one after the other in this process, or with <c>jobs</c> &gt; 1 as that many concurrent
/// child <c>rgsud train</c> processes sharing the CPU cores between them — then derains the test pairs with each
/// trained model and scores them. The rainy input is the first row.
/// </summary>
internal static class ComparisonRunner
{
    /// <summary>Runs every arm; returns the rows (input first) and the training outcomes, in arm order.</summary>
    /// <exception cref="OperationCanceledException">Cancelled during an arm (its checkpoint is written first).</exception>
    public static (IReadOnlyList<ArmScores> Rows, IReadOnlyList<(string Name, TrainOutcome Outcome, TimeSpan Evaluation)> Runs) Run(
        CliConsole console, IReadOnlyList<(string Name, TrainRequest Request)> arms, IReadOnlyList<ImagePair> pairs, NiqeScorer? niqe,
        string outputRoot, CancellationToken cancellationToken, int jobs = 1)
    {
        var rows = new List<ArmScores> { TestSetEvaluator.Evaluate("input", null, pairs, niqe, null, cancellationToken: cancellationToken) };
        var runs = new List<(string, TrainOutcome, TimeSpan)>();
        var trained = jobs > 1 ? ArmProcesses.Train(console, arms, outputRoot, jobs, cancellationToken) : null;
        foreach (var (name, request) in arms)
        {
            TrainOutcome outcome;
            if (trained is not null) outcome = trained[name];
            else
            {
                console.Out.WriteLine($"== {name}: training {Describe(request)}");
                outcome = TrainCommand.Execute(console, request, cancellationToken, name);
            }
            if (outcome.Cancelled) throw new OperationCanceledException($"cancelled while training '{name}'");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var model = Derainer.Load(outcome.RunDirectory);
            var folder = Path.Combine(outputRoot, "test-" + Safe(name));
            var scores = TestSetEvaluator.Evaluate(name, model, pairs, niqe, folder, cancellationToken: cancellationToken);
            rows.Add(scores);
            runs.Add((name, outcome, watch.Elapsed));
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"== {name}: test PSNR {scores.Psnr:F2} dB, SSIM {scores.Ssim:F4}{(scores.Niqe is { } n ? $", NIQE {n:F3}" : "")} ({pairs.Count} images, outputs in {folder})"));
        }
        return (rows, runs);
    }

    /// <summary>A folder-safe version of an arm name (<c>rgsud:critic</c> → <c>rgsud-critic</c>).</summary>
    public static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-'));

    internal static string Describe(TrainRequest r) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{r.Method} {(r.Strategy == "none" ? "(base)" : $"+ RGSUD, scorer {r.Scorer}")}, " +
            $"{(r.Minutes is { } m ? $"{m:G3} min" : $"{r.Iterations} iterations")}, seed {r.Seed}");
}
