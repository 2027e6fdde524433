using Rgsud.Runtime;
using Spectre.Console;

namespace Rgsud.Cli.Output;

/// <summary>Where a command writes: plain text writers, plus Spectre.Console rendering when interactive.</summary>
internal sealed class CliConsole(TextWriter stdout, TextWriter stderr, bool interactive)
{
    /// <summary>Normal output.</summary>
    public TextWriter Out { get; } = stdout;

    /// <summary>Warnings and errors.</summary>
    public TextWriter Error { get; } = stderr;

    /// <summary>True when progress bars and colours may be used (a terminal, not redirected).</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>A Spectre console over <see cref="Out"/>; plain (no ANSI, no colour) unless interactive.</summary>
    public IAnsiConsole Ansi()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Redirected output has no terminal width (Spectre assumes 80): keep markdown tables on one line per row.
        if (!Interactive) console.Profile.Width = NonInteractiveWidth;
        return console;
    }

    /// <summary>The width tables are laid out for when the output is not a terminal.</summary>
    public const int NonInteractiveWidth = 240;

    /// <summary>Writes "warning: ..." to <see cref="Error"/>.</summary>
    public void Warn(string message) => Error.WriteLine($"warning: {message}");

    /// <summary>
    /// Runs a command body: initialises the runtime, turns expected failures into a one-line message on
    /// <see cref="Error"/> and an exit code.
    /// </summary>
    public int Guard(Func<int> body)
    {
        try
        {
            RgsudRuntime.EnsureInitialized();
            return body();
        }
        catch (RgsudException ex)
        {
            Error.WriteLine($"error: {OneLine(ex.Message)}");
            return CliApp.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Error.WriteLine($"error: {OneLine(ex.Message)}");
            return CliApp.Failure;
        }
#pragma warning disable CA1031 // The command line reports every other failure as an internal error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Error.WriteLine($"internal error: {ex.GetType().Name}: {OneLine(ex.Message)}");
            return CliApp.InternalError;
        }
    }

    /// <summary>The first line of a message (native errors append libtorch stack traces).</summary>
    public static string OneLine(string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).TrimEnd().ToString();
    }
}
