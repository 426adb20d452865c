using System.CommandLine;
using SmartCity.Cli.Replay;

namespace SmartCity.Cli.Push;

/// <summary>
/// The options that publish a version folder to a function app: <c>--host</c> (or <c>--push</c>),
/// <c>--key-file</c>, <c>--promote</c>, <c>--reason</c>. The master key comes from a file or the
/// environment, never the command line, where <c>ps</c> shows it: <c>--key</c> is refused.
/// </summary>
internal sealed class PushOptions(string hostName, bool hostRequired)
{
    private readonly Option<Uri?> _host = new(hostName)
    {
        Description = "Base URL of the function app to publish to (e.g. http://localhost:7071/).",
        HelpName = "url",
        Required = hostRequired,
        CustomParser = result => ReplayCommand.ParseHttpUrl(result, hostName),
    };

    // Refused when given (Bind): kept so that the error says where the key goes instead.
    private readonly Option<string?> _key = new("--key") { Hidden = true };

    private readonly Option<string?> _keyFile = new("--key-file")
    {
        Description = $"A file holding the app's master key, sent as x-functions-key (default: the {ModelPusher.KeyVariable} environment variable; never --key, which ps would show). Core Tools does not check keys locally.",
        HelpName = "path",
    };

    private readonly Option<bool> _promote = new("--promote") { Description = "Make the published version the model's default." };

    private readonly Option<string?> _reason = new("--reason") { Description = "Why, for the model's history.", HelpName = "text" };

    public void AddTo(Command command)
    {
        command.Add(_host);
        command.Add(_key);
        command.Add(_keyFile);
        command.Add(_promote);
        command.Add(_reason);
    }

    public PushSettings? Bind(ParseResult parse) => parse.GetValue(_host) is { } host
        ? new PushSettings(host, Key(parse), parse.GetValue(_promote), parse.GetValue(_reason))
        : null;

    private string? Key(ParseResult parse)
    {
        if (parse.GetValue(_key) is not null)
        {
            throw new UsageException($"--key shows the master key to anyone who can list processes; put it in a file (--key-file <path>) or in the {ModelPusher.KeyVariable} variable.");
        }

        return parse.GetValue(_keyFile) is { } file
            ? ReplaySecrets.ReadFile(file, "--key-file")
            : Environment.GetEnvironmentVariable(ModelPusher.KeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }
}
