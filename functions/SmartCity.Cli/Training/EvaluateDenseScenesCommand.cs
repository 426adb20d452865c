using System.CommandLine;
using System.CommandLine.Parsing;
using System.Drawing;
using System.Globalization;

namespace SmartCity.Cli.Training;

/// <summary><c>evaluate-dense-scenes</c>: its options.</summary>
internal sealed class EvaluateDenseScenesCommand : Command
{
    /// <summary>Largest side a dense input may have: the backbone runs on the whole frame at this size.</summary>
    public const int MaxSide = 1920;

    private readonly Option<string> _data = new("--data")
    {
        Description = "Camera frames with labels.csv.",
        HelpName = "folder",
        DefaultValueFactory = _ => Path.Combine("..", "shared", "data", "traffic-cameras"),
    };

    private readonly Option<string> _out = new("--out")
    {
        Description = "The markdown report to write.",
        HelpName = "file",
        DefaultValueFactory = _ => Path.Combine("models", "traffic-scene", "DENSE-FEATURES.md"),
    };

    private readonly Option<IReadOnlyList<Size>> _sizes = new("--sizes")
    {
        Description = "Input sizes of the whole frame for the dense map, WIDTHxHEIGHT, comma-separated, each side a multiple of 32.",
        HelpName = "WxH,...",
        CustomParser = ParseSizes,
        DefaultValueFactory = _ => [new Size(448, 256), new Size(672, 384), new Size(896, 512)],
    };

    private readonly Option<string?> _backboneVersion = new("--backbone-version")
    {
        Description = "The resnet18-embedding version to measure (default: its default version).",
        HelpName = "N",
    };

    private readonly EngineOptions _engine = new();

    public EvaluateDenseScenesCommand(CommandConsole console)
        : base("evaluate-dense-scenes", "Measure congestion leave-one-camera-out over the backbone's dense feature map at larger inputs, with and without a per-camera background, against traffic-scene version 2's tiles; write a report (no model).")
    {
        Add(_data);
        Add(_out);
        Add(_sizes);
        Add(_backboneVersion);
        _engine.AddTo(this);
        SetAction((parse, cancellationToken) => DenseSceneEvaluation.RunAsync(
            new DenseSceneSettings(parse.GetRequiredValue(_data), parse.GetRequiredValue(_out), parse.GetRequiredValue(_sizes), _engine.Bind(parse), parse.GetValue(_backboneVersion)), console, cancellationToken));
    }

    private static List<Size> ParseSizes(ArgumentResult result)
    {
        var sizes = new List<Size>();
        foreach (var text in result.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = text.Split('x');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
                || width < 32 || height < 32 || width > MaxSide || height > MaxSide || width % 32 != 0 || height % 32 != 0)
            {
                result.AddError($"--sizes takes WIDTHxHEIGHT values, each side a multiple of 32 from 32 to {MaxSide}, separated by commas; '{text}' is not one.");
                return [];
            }

            sizes.Add(new Size(width, height));
        }

        return sizes;
    }
}
