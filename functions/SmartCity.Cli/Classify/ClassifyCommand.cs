using System.CommandLine;
using System.CommandLine.Parsing;

namespace SmartCity.Cli.Classify;

/// <summary><c>classify &lt;files or folders&gt;...</c>: its arguments and options.</summary>
internal sealed class ClassifyCommand : Command
{
    private readonly Argument<string[]> _inputs = new("files or folders")
    {
        Description = "Images, and folders whose images (in subfolders too) are classified.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _model = new("--model")
    {
        Description = "The model to run.",
        HelpName = "name",
        DefaultValueFactory = _ => "vehicle-type",
    };

    private readonly Option<string?> _version = new("--version")
    {
        Description = "The model version (default: the highest).",
        HelpName = "N",
    };

    private readonly Option<int> _top = new("--top")
    {
        Description = "Labels per head, most probable first.",
        HelpName = "N",
        DefaultValueFactory = _ => 3,
        CustomParser = ParseTop,
    };

    private readonly Option<bool> _json = new("--json") { Description = "Print JSON instead of a table." };

    private readonly EngineOptions _engine = new();

    public ClassifyCommand(CommandConsole console)
        : base("classify", "Classify images offline with a bundled model: one row per image (a progress bar for folders), then a summary.")
    {
        Add(_inputs);
        Add(_model);
        Add(_version);
        Add(_top);
        Add(_json);
        _engine.AddTo(this);
        SetAction((parse, cancellationToken) => FileClassifier.RunAsync(Bind(parse), console, cancellationToken));
    }

    private ClassifySettings Bind(ParseResult parse) => new(
        parse.GetRequiredValue(_inputs),
        parse.GetRequiredValue(_model),
        parse.GetValue(_version),
        parse.GetValue(_top),
        parse.GetValue(_json),
        _engine.Bind(parse));

    private static int ParseTop(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (int.TryParse(text, out var top) && top >= 0)
        {
            return top;
        }

        result.AddError($"--top must be a whole number, not '{text}'.");
        return 0;
    }
}
