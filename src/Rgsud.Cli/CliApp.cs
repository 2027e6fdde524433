using System.CommandLine;
using Rgsud.Cli.Commands;
using Rgsud.Cli.Output;

namespace Rgsud.Cli;

/// <summary>The <c>rgsud</c> command line, callable in-process (tests pass their own writers).</summary>
internal static class CliApp
{
    /// <summary>Exit code of a successful run.</summary>
    internal const int Success = 0;

    /// <summary>Exit code of a failure Rgsud reports on purpose (bad file, bad option value, ...).</summary>
    internal const int Failure = 1;

    /// <summary>Exit code of an unexpected internal error.</summary>
    internal const int InternalError = 2;

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. Normal output goes to <paramref name="stdout"/>, warnings
    /// and errors to <paramref name="stderr"/>; progress bars are drawn only when <paramref name="stdout"/> is the
    /// process's own terminal.
    /// </summary>
    /// <returns>The process exit code: 0 success, 1 failure (a one-line message on stderr), 2 internal error.</returns>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = new CliConsole(stdout, stderr, interactive);

        var root = new RootCommand("rgsud: unpaired image deraining with Rgsud (demo, train, derain, evaluate, score, ablation, synth).");
        root.Subcommands.Add(DerainCommand.Create(console));
        root.Subcommands.Add(EvalCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(ScoreCommand.Create(console));
        root.Subcommands.Add(SynthCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(AblationCommand.Create(console));

        var parseResult = root.Parse(args);
        return parseResult.Invoke(new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
        });
    }
}
