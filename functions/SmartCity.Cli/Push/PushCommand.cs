using System.CommandLine;

namespace SmartCity.Cli.Push;

/// <summary><c>push &lt;folder&gt; --model &lt;name&gt; --host &lt;url&gt;</c>: publishes a model version folder through the app's repository API.</summary>
internal sealed class PushCommand : Command
{
    private readonly Argument<string> _folder = new("folder") { Description = "The version folder: model.json, the ONNX file, labels, card.json." };

    private readonly Option<string> _model = new("--model") { Description = "The model to publish a version of.", HelpName = "name", Required = true };

    private readonly PushOptions _push = new("--host", hostRequired: true);

    public PushCommand(CommandConsole console)
        : base("push", "Publish a model version folder to a function app (POST /api/models/{model}/versions with the master key); it gets the model's next version number.")
    {
        Add(_folder);
        Add(_model);
        _push.AddTo(this);
        SetAction(async (parse, cancellationToken) =>
        {
            var result = await _push.Bind(parse)!.PushAsync(parse.GetRequiredValue(_model), parse.GetRequiredValue(_folder), cancellationToken);
            await console.Output.WriteLineAsync(Describe(parse.GetRequiredValue(_model), result));
            return ExitCodes.Success;
        });
    }

    public static string Describe(string model, PushResult result) =>
        $"{(result.Created ? "Published" : "Already published")} {model} version {result.Version} ({result.State}{(result.IsDefault ? ", the default" : string.Empty)})";
}
