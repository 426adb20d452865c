using System.CommandLine;

namespace SmartCity.Cli.Push;

/// <summary>The options that publish a version folder to a function app: <c>--host</c> (or <c>--push</c>), <c>--key</c>, <c>--promote</c>, <c>--reason</c>.</summary>
internal sealed class PushOptions(string hostName, bool hostRequired)
{
    private readonly Option<Uri?> _host = new(hostName)
    {
        Description = "Base URL of the function app to publish to (e.g. http://localhost:7071/).",
        HelpName = "url",
        Required = hostRequired,
    };

    private readonly Option<string?> _key = new("--key")
    {
        Description = $"The app's master key (sent as x-functions-key); default: the {ModelPusher.KeyVariable} environment variable. Core Tools does not check keys locally.",
        HelpName = "key",
    };

    private readonly Option<bool> _promote = new("--promote") { Description = "Make the published version the model's default." };

    private readonly Option<string?> _reason = new("--reason") { Description = "Why, for the model's history.", HelpName = "text" };

    public void AddTo(Command command)
    {
        command.Add(_host);
        command.Add(_key);
        command.Add(_promote);
        command.Add(_reason);
    }

    public PushSettings? Bind(ParseResult parse) => parse.GetValue(_host) is { } host
        ? new PushSettings(host, parse.GetValue(_key) ?? Environment.GetEnvironmentVariable(ModelPusher.KeyVariable), parse.GetValue(_promote), parse.GetValue(_reason))
        : null;
}
