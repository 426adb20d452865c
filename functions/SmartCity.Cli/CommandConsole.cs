using Spectre.Console;

namespace SmartCity.Cli;

/// <summary>
/// Where a command writes: results to <see cref="Output"/> (standard output), messages and
/// progress to <see cref="Error"/> (standard error). A progress bar is drawn only when
/// <see cref="ShowsProgress"/>: standard error is a terminal.
/// </summary>
/// <param name="progressAnsi">Whether the progress bar may use ANSI escapes; detected from the terminal unless a test says.</param>
internal sealed class CommandConsole(TextWriter output, TextWriter error, bool showsProgress, AnsiSupport progressAnsi = AnsiSupport.Detect)
{
    /// <summary>Widest a table row may be when the results go to a file or a pipe: rows are never wrapped there.</summary>
    private const int RedirectedWidth = 1000;

    private IAnsiConsole? _results;

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public bool ShowsProgress { get; } = showsProgress;

    /// <summary>Tables and other rendered results, on <see cref="Output"/>.</summary>
    public IAnsiConsole Results => _results ??= CreateResultsConsole();

    /// <summary>The process's standard output and error; progress only when standard error is not redirected.</summary>
    public static CommandConsole ForProcess() => new(Console.Out, Console.Error, !Console.IsErrorRedirected);

    /// <summary>
    /// A console on <see cref="Error"/> for progress bars. Spectre would judge interactivity by
    /// standard output, which is often redirected to keep the results; the bar is only drawn when
    /// standard error is a terminal, so it says so.
    /// </summary>
    public IAnsiConsole CreateProgressConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Error),
        Interactive = InteractionSupport.Yes,
        Ansi = progressAnsi,
    });

    private IAnsiConsole CreateResultsConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Output) });
        if (!console.Profile.Out.IsTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
