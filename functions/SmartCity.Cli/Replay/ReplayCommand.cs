using System.CommandLine;
using System.CommandLine.Parsing;
using SmartCity.Cameras;

namespace SmartCity.Cli.Replay;

/// <summary><c>replay &lt;folder or files&gt;...</c>: its arguments and options.</summary>
internal sealed class ReplayCommand : Command
{
    private readonly Argument<string[]> _inputs = new("folder or files")
    {
        Description = "Images, and folders whose images (in subfolders too) are uploaded.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _camera = new("--camera")
    {
        Description = "The camera id: images go to <container>/<camera>/<file name>.",
        HelpName = "id",
        DefaultValueFactory = _ => "cam-local",
    };

    private readonly Option<string> _container = new("--container")
    {
        Description = "The blob container of camera uploads.",
        HelpName = "name",
        DefaultValueFactory = _ => "camera-images",
    };

    private readonly Option<string?> _storage = new("--storage")
    {
        Description = "A storage connection string without a secret, such as UseDevelopmentStorage=true (one with an account key or a SAS is refused: use --storage-file or the CameraStorage variable). Default: CameraStorage, else UseDevelopmentStorage=true.",
        HelpName = "connection string",
    };

    private readonly Option<string?> _storageFile = new("--storage-file")
    {
        Description = "A file holding the storage connection string (kept off the command line, where ps shows it).",
        HelpName = "path",
    };

    private readonly Option<Uri> _host = new("--host")
    {
        Description = "The Functions host that gets the Event Grid notification.",
        HelpName = "url",
        DefaultValueFactory = _ => new Uri("http://localhost:7071/"),
        CustomParser = result => ParseHttpUrl(result, "--host"),
    };

    // Refused when given (ReplaySecrets.Key): kept so that the error says where the key goes instead.
    private readonly Option<string?> _key = new("--key") { Hidden = true };

    private readonly Option<string?> _keyFile = new("--key-file")
    {
        Description = "A file holding the host's blobs_extension key, sent as x-functions-key (default: the BLOBS_EXTENSION_KEY variable; never --key, which ps would show).",
        HelpName = "path",
    };

    private readonly Option<bool> _noNotify = new("--no-notify") { Description = "Upload only; post no notification." };

    private readonly Option<CaptureTimeSource> _capturedAt = new("--captured-at")
    {
        Description = "Blob metadata capturedAt: 'name' reads yyyy-MM-dd_HH-mm-ss from the file name (UTC), an ISO 8601 time is used for every file, 'none' sets nothing.",
        HelpName = "name|none|ISO 8601 time",
        DefaultValueFactory = _ => CaptureTimeSource.FileName,
        CustomParser = ParseCapturedAt,
    };

    public ReplayCommand(CommandConsole console)
        : base("replay", "Replay camera uploads into a local function app: upload each image (Azurite by default) and post the Event Grid BlobCreated notification to the host's blob webhook.")
    {
        Add(_inputs);
        Add(_camera);
        Add(_container);
        Add(_storage);
        Add(_storageFile);
        Add(_host);
        Add(_key);
        Add(_keyFile);
        Add(_noNotify);
        Add(_capturedAt);
        _camera.Validators.Add(ValidateCamera);
        SetAction((parse, cancellationToken) => CameraUploadReplayer.RunAsync(Bind(parse), console, cancellationToken));
    }

    private ReplaySettings Bind(ParseResult parse) => new(
        parse.GetRequiredValue(_inputs),
        parse.GetRequiredValue(_camera),
        parse.GetRequiredValue(_container),
        ReplaySecrets.Storage(parse.GetValue(_storage), parse.GetValue(_storageFile), Environment.GetEnvironmentVariable),
        parse.GetRequiredValue(_host),
        ReplaySecrets.Key(parse.GetValue(_key), parse.GetValue(_keyFile), Environment.GetEnvironmentVariable),
        !parse.GetValue(_noNotify),
        parse.GetRequiredValue(_capturedAt));

    /// <summary>The camera id must be one the pipeline accepts in a blob path (the container and name do not matter here).</summary>
    private static void ValidateCamera(OptionResult result)
    {
        const string Container = "camera-images";
        if (CameraBlobPath.Validate(Container, Container, null, result.GetValueOrDefault<string>(), "x") is { } problem)
        {
            result.AddError($"--camera: {problem}.");
        }
    }

    /// <summary>An absolute http or https URL (System.CommandLine has no parser for <see cref="Uri"/>); otherwise a parse error naming the option.</summary>
    internal static Uri ParseHttpUrl(ArgumentResult result, string option)
    {
        var text = result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var host) && host.Scheme is "http" or "https")
        {
            return host;
        }

        result.AddError($"{option} must be an http or https URL, not '{text}'.");
        return new Uri("http://localhost:7071/");
    }

    private static CaptureTimeSource ParseCapturedAt(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (CaptureTimeSource.Parse(text) is { } source)
        {
            return source;
        }

        result.AddError($"--captured-at must be 'name', 'none' or an ISO 8601 time, not '{text}'.");
        return CaptureTimeSource.None;
    }
}
