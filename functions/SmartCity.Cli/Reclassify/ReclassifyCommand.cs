using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SmartCity.Cli.Push;
using SmartCity.Cli.Replay;
using Spectre.Console;

namespace SmartCity.Cli.Reclassify;

/// <summary>
/// <c>reclassify start</c> (a camera, a prefix of camera ids or all, a capture-time range, a model
/// version) and <c>reclassify watch &lt;id&gt;</c>: starts a reclassification of stored camera results
/// through the app's API and follows it with a progress bar until it finishes. The master key comes
/// from <c>--key-file</c> or <c>SMARTCITY_ADMIN_KEY</c>, never the command line.
/// </summary>
internal sealed class ReclassifyCommand : Command
{
    public ReclassifyCommand(CommandConsole console)
        : base("reclassify", "Reclassify stored camera results with another model version through a function app (POST /api/cameras/reclassifications), and watch the job.")
    {
        Add(new StartCommand(console));
        Add(new WatchCommand(console));
    }

    /// <summary>Polls the job until it finishes, drawing handled over listed uploads; the exit code of its outcome.</summary>
    internal static async Task<int> WatchAsync(CommandConsole console, ReclassifyClient client, string id, TimeSpan interval, CancellationToken cancellationToken)
    {
        ReclassifyStatus status;
        if (console.ShowsProgress)
        {
            status = await console.CreateProgressConsole().Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ItemCountColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"reclassify {id}", maxValue: 1);
                    while (true)
                    {
                        var current = await client.GetAsync(id, cancellationToken);
                        task.MaxValue = Math.Max(1, current.Listed);
                        task.Value = current.Handled;
                        task.Description = $"reclassify {id} ({current.State})";
                        if (current.Finished)
                        {
                            return current;
                        }

                        await Task.Delay(interval, cancellationToken);
                    }
                });
        }
        else
        {
            while (!(status = await client.GetAsync(id, cancellationToken)).Finished)
            {
                await Task.Delay(interval, cancellationToken);
            }
        }

        await console.Output.WriteLineAsync(status.Summary());
        foreach (var failure in status.Failures)
        {
            await console.Output.WriteLineAsync($"  failed: {failure}");
        }

        if (status.Failure is { } reason)
        {
            await console.Error.WriteLineAsync($"error: {reason}");
        }

        return status.State == "failed" ? ExitCodes.UsageError : status.Failed > 0 ? ExitCodes.SomeItemsFailed : ExitCodes.Success;
    }

    /// <summary>The options both subcommands take: the app's URL, the key file, the polling interval.</summary>
    private sealed class Connection
    {
        private readonly Option<Uri> _url = new("--url")
        {
            Description = "Base URL of the function app (e.g. http://localhost:7071/).",
            HelpName = "url",
            Required = true,
            CustomParser = result => ReplayCommand.ParseHttpUrl(result, "--url"),
        };

        // Refused when given: kept so that the error says where the key goes instead.
        private readonly Option<string?> _key = new("--key") { Hidden = true };

        private readonly Option<string?> _keyFile = new("--key-file")
        {
            Description = $"A file holding the app's master key, sent as x-functions-key (default: the {ModelPusher.KeyVariable} environment variable; never --key, which ps would show).",
            HelpName = "path",
        };

        private readonly Option<double> _interval = new("--interval")
        {
            Description = "Seconds between two looks at the job while watching.",
            HelpName = "seconds",
            DefaultValueFactory = _ => 2,
        };

        public void AddTo(Command command)
        {
            command.Add(_url);
            command.Add(_key);
            command.Add(_keyFile);
            command.Add(_interval);
        }

        public TimeSpan Interval(ParseResult parse) =>
            parse.GetValue(_interval) is var seconds && seconds is > 0 and <= 3600
                ? TimeSpan.FromSeconds(seconds)
                : throw new UsageException("--interval must be between 0 and 3600 seconds.");

        public ReclassifyClient Client(ParseResult parse, HttpClient http)
        {
            if (parse.GetValue(_key) is not null)
            {
                throw new UsageException($"--key shows the master key to anyone who can list processes; put it in a file (--key-file <path>) or in the {ModelPusher.KeyVariable} variable.");
            }

            var key = parse.GetValue(_keyFile) is { } file
                ? ReplaySecrets.ReadFile(file, "--key-file")
                : Environment.GetEnvironmentVariable(ModelPusher.KeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
            return new ReclassifyClient(http, parse.GetRequiredValue(_url), key);
        }
    }

    private sealed class StartCommand : Command
    {
        private readonly Option<string?> _camera = new("--camera") { Description = "One camera id.", HelpName = "id" };

        private readonly Option<string?> _prefix = new("--prefix") { Description = "The cameras whose id starts with this.", HelpName = "text" };

        private readonly Option<bool> _all = new("--all") { Description = "Every camera." };

        private readonly Option<string> _from = new("--from") { Description = "Capture times from (ISO 8601, UTC when no offset; inclusive).", HelpName = "time", Required = true };

        private readonly Option<string> _to = new("--to") { Description = "Capture times up to (exclusive).", HelpName = "time", Required = true };

        private readonly Option<string> _model = new("--model") { Description = "The model whose stored answers are redone.", HelpName = "name", Required = true };

        private readonly Option<string> _version = new("--version") { Description = "The version to redo them with.", HelpName = "version", Required = true };

        private readonly Option<bool> _watch = new("--watch") { Description = "Watch the job with a progress bar until it finishes." };

        private readonly Connection _connection = new();

        public StartCommand(CommandConsole console)
            : base("start", "Start a reclassification: exactly one of --camera, --prefix and --all.")
        {
            Add(_camera);
            Add(_prefix);
            Add(_all);
            Add(_from);
            Add(_to);
            Add(_model);
            Add(_version);
            Add(_watch);
            _connection.AddTo(this);
            SetAction(async (parse, cancellationToken) =>
            {
                var body = Body(parse);
                using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
                var client = _connection.Client(parse, http);
                var interval = _connection.Interval(parse);
                var (job, created) = await client.StartAsync(body, cancellationToken);
                await console.Output.WriteLineAsync(created ? $"Started reclassification {job.Id}" : $"The same reclassification is running: {job.Id}");
                return parse.GetValue(_watch) ? await WatchAsync(console, client, job.Id, interval, cancellationToken) : ExitCodes.Success;
            });
        }

        private string Body(ParseResult parse)
        {
            var (camera, prefix, all) = (parse.GetValue(_camera), parse.GetValue(_prefix), parse.GetValue(_all));
            if ((camera is null ? 0 : 1) + (prefix is null ? 0 : 1) + (all ? 1 : 0) != 1)
            {
                throw new UsageException("Give exactly one of --camera, --prefix and --all.");
            }

            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                if (camera is not null)
                {
                    json.WriteString("cameraId", camera);
                }
                else if (prefix is not null)
                {
                    json.WriteString("prefix", prefix);
                }
                else
                {
                    json.WriteBoolean("all", true);
                }

                json.WriteString("from", Time(parse.GetRequiredValue(_from), "--from"));
                json.WriteString("to", Time(parse.GetRequiredValue(_to), "--to"));
                json.WriteString("model", parse.GetRequiredValue(_model));
                json.WriteString("version", parse.GetRequiredValue(_version));
                json.WriteEndObject();
            }

            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }

        private static string Time(string text, string option) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                ? time.ToString("O", CultureInfo.InvariantCulture)
                : throw new UsageException($"{option} must be an ISO 8601 time such as 2026-11-01 or 2026-11-01T08:00:00Z; got '{text}'.");
    }

    private sealed class WatchCommand : Command
    {
        private readonly Argument<string> _id = new("id") { Description = "The job id that start printed (the last segment of its Location)." };

        private readonly Connection _connection = new();

        public WatchCommand(CommandConsole console)
            : base("watch", "Watch a reclassification with a progress bar until it finishes; exit 0 when nothing failed, 2 when some uploads failed, 1 when the job failed.")
        {
            Add(_id);
            _connection.AddTo(this);
            SetAction(async (parse, cancellationToken) =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
                var client = _connection.Client(parse, http);
                return await WatchAsync(console, client, parse.GetRequiredValue(_id), _connection.Interval(parse), cancellationToken);
            });
        }
    }
}
