using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using SmartCity.Cli.Classify;
using SmartCity.Cli.Explain;
using SmartCity.Cli.Push;
using SmartCity.Cli.Quantize;
using SmartCity.Cli.Reclassify;
using SmartCity.Cli.Replay;
using SmartCity.Cli.Training;
using SmartCity.Inference;

namespace SmartCity.Cli;

/// <summary>
/// The <c>smartcity</c> command line: its commands, and how a failure becomes an exit code and
/// a message on standard error (never a stack trace for a usage error).
/// </summary>
internal static class SmartCityCommandLine
{
    private const string Description = """
        Classify images offline with the bundled models, train model heads, quantize a backbone to 8 bits, and replay camera uploads into a local function app.

        Exit codes: 0 success, 1 usage error, 2 some images could not be classified (replay: some notifications failed).
        """;

    public static Command Create(CommandConsole console) => new("smartcity", Description)
    {
        new HelpOption(),
        new VersionOption(),
        new ClassifyCommand(console),
        new ExplainCommand(console),
        new ReplayCommand(console),
        TrainingCommand.VehicleType(console),
        TrainingCommand.TrafficScene(console),
        TrainingCommand.TrafficScene2(console),
        CalibrateCameraCommand.Create(console),
        new EvaluateStaleCommand(console),
        new EvaluateDenseScenesCommand(console),
        new QuantizeCommand(console),
        new WriteCardCommand(console),
        new WriteExamplesCommand(console),
        new PushCommand(console),
        new ReclassifyCommand(console),
    };

    /// <summary>Runs the command that <paramref name="args"/> name and returns its exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CommandConsole console, CancellationToken cancellationToken = default)
    {
        var root = Create(console);
        if (args.Count == 0)
        {
            WriteHelp(root, [], console.Output);
            return ExitCodes.UsageError;
        }

        // "smartcity help [command]" is "smartcity [command] --help".
        var parse = root.Parse(args[0] == "help" ? [.. args.Skip(1), "--help"] : args);
        return parse.Errors.Count > 0
            ? Fail(root, parse, [.. parse.Errors.Select(e => e.Message)], console)
            : await InvokeAsync(root, parse, console, cancellationToken);
    }

    /// <summary>Runs the parsed command; a usage error or a model problem it throws becomes exit code 1 and a message.</summary>
    private static async Task<int> InvokeAsync(Command root, ParseResult parse, CommandConsole console, CancellationToken cancellationToken)
    {
        try
        {
            var invocation = new InvocationConfiguration { Output = console.Output, Error = console.Error, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (UsageException ex)
        {
            return Fail(root, parse, [ex.Message], console);
        }
        catch (InferenceException ex)
        {
            await console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.UsageError;
        }
    }

    private static int Fail(Command root, ParseResult parse, IEnumerable<string> messages, CommandConsole console)
    {
        foreach (var message in messages)
        {
            console.Error.WriteLine($"error: {message}");
        }

        WriteHelp(root, CommandPath(parse.CommandResult), console.Error);
        return ExitCodes.UsageError;
    }

    /// <summary>The help of the command at <paramref name="path"/> (below the root), to <paramref name="writer"/>.</summary>
    private static void WriteHelp(Command root, IReadOnlyList<string> path, TextWriter writer) =>
        root.Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = writer, Error = writer });

    private static List<string> CommandPath(CommandResult command)
    {
        var path = new List<string>();
        for (var result = command; result.Parent is CommandResult parent; result = parent)
        {
            path.Insert(0, result.Command.Name);
        }

        return path;
    }
}
