using SmartCity.Cli.Training;

namespace SmartCity.Cli;

/// <summary>Parses the command line and dispatches to a command.</summary>
internal static class CommandLine
{
    private const string Usage = """
        smartcity: classify images offline with the bundled models, and train model heads.

        Usage:
          smartcity classify <files or folders>... [--model vehicle-type] [--version N] [--top 3] [--json] [--models <folder>]
          smartcity replay <folder or files>... [--camera cam-local] [--container camera-images] [--storage <connection string>]
                           [--host http://localhost:7071/] [--key <blobs_extension key>] [--no-notify]
                           [--captured-at name|none|<ISO 8601 time>]
          smartcity train-vehicle-type [--data ../shared/data/vehicles] [--out models/vehicle-type/1] [--models <folder>]
          smartcity train-traffic-scene [--data ../shared/data/traffic-cameras] [--out models/traffic-scene/1] [--models <folder>]
          smartcity evaluate-stale [--data ../shared/data/traffic-cameras] [--model traffic-scene] [--threshold D]

        Exit codes: 0 success, 1 usage error, 2 some images could not be classified (replay: some notifications failed).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }

        try
        {
            var options = Arguments.Parse(args.Skip(1));
            return args[0] switch
            {
                "classify" => await ClassifyCommand.RunAsync(options),
                "train-vehicle-type" => await VehicleTypeTrainer.RunAsync(options),
                "train-traffic-scene" => await TrafficSceneTrainer.RunAsync(options),
                "evaluate-stale" => await StaleFeedEvaluation.RunAsync(options),
                "replay" => await ReplayCommand.RunAsync(options),
                _ => Fail($"Unknown command '{args[0]}'."),
            };
        }
        catch (ArgumentException ex)
        {
            return Fail(ex.Message);
        }
        catch (SmartCity.Inference.InferenceException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine(Usage);
        return 1;
    }
}

/// <summary>Positional arguments and <c>--name value</c> / <c>--flag</c> options.</summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> Flags = ["json", "no-scaled-decode", "no-notify"];

    public List<string> Positional { get; } = [];

    public Dictionary<string, string> Named { get; } = new(StringComparer.Ordinal);

    public static Arguments Parse(IEnumerable<string> args)
    {
        var result = new Arguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var name = arg[2..];
                if (Flags.Contains(name))
                {
                    result.Named[name] = "true";
                }
                else if (e.MoveNext())
                {
                    result.Named[name] = e.Current;
                }
                else
                {
                    throw new ArgumentException($"Option --{name} needs a value.");
                }
            }
            else
            {
                result.Positional.Add(arg);
            }
        }

        return result;
    }

    public string Get(string name, string fallback) => Named.GetValueOrDefault(name, fallback);

    public bool Has(string name) => Named.ContainsKey(name);

    public int GetInt(string name, int fallback) =>
        !Named.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, out var value) && value >= 0 ? value
        : throw new ArgumentException($"--{name} must be a whole number, not '{text}'.");
}
