using System.CommandLine;
using System.CommandLine.Parsing;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli.Explain;

/// <summary><c>explain &lt;files or folders&gt;...</c>: occlusion maps of images, written as PNG overlays.</summary>
internal sealed class ExplainCommand : Command
{
    private readonly Argument<string[]> _inputs = new("files or folders")
    {
        Description = "Images, and folders whose images (in subfolders too) are explained.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _model = new("--model")
    {
        Description = "The model to explain.",
        HelpName = "name",
        DefaultValueFactory = _ => "vehicle-type",
    };

    private readonly Option<string?> _version = new("--version")
    {
        Description = "The model version (default: the highest).",
        HelpName = "N",
    };

    private readonly Option<int> _grid = new("--grid")
    {
        Description = $"Cells per side of the occlusion grid, {InferenceEngine.MinExplainGrid} to {InferenceEngine.MaxExplainGrid}: grid*grid+1 model runs per image.",
        HelpName = "N",
        DefaultValueFactory = _ => 7,
        CustomParser = ParseGrid,
    };

    private readonly Option<string> _out = new("--out")
    {
        Description = "Folder for the overlays, <image>.<model>.<head>.png.",
        HelpName = "folder",
        DefaultValueFactory = _ => "explain",
    };

    private readonly EngineOptions _engine = new();

    public ExplainCommand(CommandConsole console)
        : base("explain", "Explain predictions by occlusion: per image and classification head, the label, the cells that matter most, and a PNG heat-map overlay.")
    {
        Add(_inputs);
        Add(_model);
        Add(_version);
        Add(_grid);
        Add(_out);
        _engine.AddTo(this);
        SetAction((parse, cancellationToken) => FileExplainer.RunAsync(Bind(parse), console, cancellationToken));
    }

    private ExplainSettings Bind(ParseResult parse) => new(
        parse.GetRequiredValue(_inputs),
        parse.GetRequiredValue(_model),
        parse.GetValue(_version),
        parse.GetValue(_grid),
        parse.GetRequiredValue(_out),
        _engine.Bind(parse));

    private static int ParseGrid(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (int.TryParse(text, out var grid) && grid is >= InferenceEngine.MinExplainGrid and <= InferenceEngine.MaxExplainGrid)
        {
            return grid;
        }

        result.AddError($"--grid must be a whole number from {InferenceEngine.MinExplainGrid} to {InferenceEngine.MaxExplainGrid}, not '{text}'.");
        return InferenceEngine.MinExplainGrid;
    }
}
