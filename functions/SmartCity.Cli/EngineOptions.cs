using System.CommandLine;

namespace SmartCity.Cli;

/// <summary>The options of every command that runs models: <c>--models</c> and <c>--no-scaled-decode</c>.</summary>
internal sealed class EngineOptions
{
    private readonly Option<string?> _models = new("--models")
    {
        Description = "The models folder (default: models/ beside the tool).",
        HelpName = "folder",
    };

    private readonly Option<bool> _noScaledDecode = new("--no-scaled-decode")
    {
        Description = "Decode JPEGs at full size instead of at the smallest scale that covers the model input (to measure).",
    };

    public void AddTo(Command command)
    {
        command.Add(_models);
        command.Add(_noScaledDecode);
    }

    public EngineSettings Bind(ParseResult parse) => new(parse.GetValue(_models), !parse.GetValue(_noScaledDecode));
}
