using System.CommandLine;
using SmartCity.Training;

namespace SmartCity.Cli.Training;

/// <summary>The example-index options of the trainers and of <c>write-examples</c>: <c>--examples-per-label</c> and <c>--example-images-may-be-shown</c>.</summary>
internal sealed class ExampleIndexOptions
{
    private readonly Option<int> _perLabel = new("--examples-per-label")
    {
        Description = $"Most training examples per label kept in the version's example index (embeddings and ids, for example-based explanations), {ExampleIndexSettings.MinPerLabel} (none) to {ExampleIndexSettings.MaxPerLabelLimit}.",
        HelpName = "N",
        DefaultValueFactory = _ => ExampleIndexSettings.DefaultPerLabel,
    };

    private readonly Option<bool> _imagesMayBeShown = new("--example-images-may-be-shown")
    {
        Description = "Record in the card that the training images may be shown: explanations then name each example's image file (never its pixels). Default: they may not.",
    };

    public ExampleIndexOptions()
    {
        _perLabel.Validators.Add(result =>
        {
            if (new ExampleIndexSettings(result.GetValueOrDefault<int>()).Problem("--examples-per-label") is { } problem)
            {
                result.AddError(problem);
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Add(_perLabel);
        command.Add(_imagesMayBeShown);
    }

    public ExampleIndexSettings Bind(ParseResult parse) => new(parse.GetValue(_perLabel), parse.GetValue(_imagesMayBeShown));
}
