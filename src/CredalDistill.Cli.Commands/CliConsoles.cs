using Spectre.Console;

namespace CredalDistill.Cli;

/// <summary>
/// The two consoles of a run: results (tables, summaries) go to <see cref="Out"/> (stdout); warnings, errors and
/// progress bars go to <see cref="Error"/> (stderr), so redirected stdout output is never corrupted.
/// </summary>
public sealed class CliConsoles
{
    /// <summary>Creates consoles writing to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    /// <param name="stdout">Standard output (or a test writer).</param>
    /// <param name="stderr">Standard error (or a test writer).</param>
    public CliConsoles(TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        Out = Create(stdout);
        Error = Create(stderr);
        Progress = new ProgressRunner(Error);
    }

    /// <summary>What the running executable adds to the command library and leaves out (set by <see cref="CredalApp.Run"/>).</summary>
    internal CliComposition Composition { get; init; } = new();

    /// <summary>Console for results (stdout).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Console for warnings, errors and progress (stderr).</summary>
    public IAnsiConsole Error { get; }

    /// <summary>Runs long steps with a progress bar on <see cref="Error"/> when it is an interactive terminal.</summary>
    public ProgressRunner Progress { get; }

    /// <summary>The console width when a stream is redirected (a pipe or a file).</summary>
    public const int RedirectedWidth = 160;

    /// <summary>The width of help text when stdout is redirected: lines a reader can follow.</summary>
    public const int RedirectedHelpWidth = 100;

    /// <summary>Narrows redirected stdout to <see cref="RedirectedHelpWidth"/> columns before help text is written.</summary>
    public void UseHelpWidth()
    {
        if (Out.Profile.Width == RedirectedWidth && !Out.Profile.Capabilities.Interactive)
        {
            Out.Profile.Width = RedirectedHelpWidth;
        }
    }

    /// <summary>Writes a yellow warning line to stderr.</summary>
    public void Warn(string message) => Error.MarkupLineInterpolated($"[yellow bold]warning:[/] [yellow]{message}[/]");

    /// <summary>Writes a red error line to stderr.</summary>
    public void Fail(string message) => Error.MarkupLineInterpolated($"[red bold]error:[/] {message}");

    private static IAnsiConsole Create(TextWriter writer)
    {
        bool terminal = (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
            || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(terminal ? writer : new PlainTextWriter(writer)),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            // Spectre's own detection looks at stdout only; decide per stream so that progress shows on a terminal stderr even when stdout is redirected.
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Redirected output: wide enough that tables never wrap numbers (lines carry no padding: PlainTextWriter).
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
