using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SmartCity.Cli.Training;

/// <summary><c>evaluate-stale</c>: its options.</summary>
internal sealed class EvaluateStaleCommand : Command
{
    private readonly Option<string> _data = new("--data")
    {
        Description = "Camera frames named camera_<id>_<yyyy-MM-dd>_<HH-mm-ss>.jpg.",
        HelpName = "folder",
        DefaultValueFactory = _ => Path.Combine("..", "shared", "data", "traffic-cameras"),
    };

    private readonly Option<string> _model = new("--model")
    {
        Description = "The model whose embedding is compared.",
        HelpName = "name",
        DefaultValueFactory = _ => "traffic-scene",
    };

    private readonly Option<double?> _threshold = new("--threshold")
    {
        Description = "The cosine distance to score (default: the geometric mean of the largest re-encode distance and the smallest distance between different frames).",
        HelpName = "D",
        CustomParser = ParseThreshold,
    };

    private readonly EngineOptions _engine = new();

    public EvaluateStaleCommand(CommandConsole console)
        : base("evaluate-stale", "Measure the frozen-feed detector on real frames: byte-for-byte repeats, and re-encoded repeats only the embedding distance can catch.")
    {
        Add(_data);
        Add(_model);
        Add(_threshold);
        _engine.AddTo(this);
        SetAction((parse, cancellationToken) => StaleFeedEvaluation.RunAsync(
            new StaleFeedSettings(parse.GetRequiredValue(_data), parse.GetRequiredValue(_model), parse.GetValue(_threshold), _engine.Bind(parse)), console, cancellationToken));
    }

    private static double? ParseThreshold(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) && threshold >= 0)
        {
            return threshold;
        }

        result.AddError($"--threshold must be a cosine distance (a number of at least 0), not '{text}'.");
        return null;
    }
}
