using System.CommandLine;
using SmartCity.Cli.Push;

namespace SmartCity.Cli.Training;

/// <summary>A <c>train-*</c> command: <c>--data</c>, <c>--out</c> and the engine options, handed to its trainer; with <c>--push</c>, the version written is then published to a function app.</summary>
internal sealed class TrainingCommand : Command
{
    private readonly Option<string> _data;
    private readonly Option<string> _out;
    private readonly Option<string?> _backboneVersion = new("--backbone-version")
    {
        Description = "The resnet18-embedding version to train over (default: its default version); the head's manifest names it.",
        HelpName = "N",
    };

    private readonly EngineOptions _engine = new();
    private readonly ExampleIndexOptions _examples = new();
    private readonly PushOptions _push = new("--push", hostRequired: false);

    public TrainingCommand(string name, string model, string description, string defaultData, string defaultOut, CommandConsole console, Func<TrainingSettings, CommandConsole, CancellationToken, Task<int>> train)
        : base(name, description)
    {
        _data = new Option<string>("--data") { Description = "The labelled data.", HelpName = "folder", DefaultValueFactory = _ => defaultData };
        _out = new Option<string>("--out") { Description = "The model version folder to write.", HelpName = "folder", DefaultValueFactory = _ => defaultOut };
        Add(_data);
        Add(_out);
        Add(_backboneVersion);
        _engine.AddTo(this);
        _examples.AddTo(this);
        _push.AddTo(this);
        SetAction(async (parse, cancellationToken) =>
        {
            var settings = new TrainingSettings(parse.GetRequiredValue(_data), parse.GetRequiredValue(_out), _engine.Bind(parse), _push.Bind(parse), parse.GetValue(_backboneVersion)) { Examples = _examples.Bind(parse) };
            var exit = await train(settings, console, cancellationToken);
            if (exit == ExitCodes.Success && settings.Push is { } push)
            {
                await console.Output.WriteLineAsync(PushCommand.Describe(model, await push.PushAsync(model, settings.Output, cancellationToken)));
            }

            return exit;
        });
    }

    public static TrainingCommand VehicleType(CommandConsole console) => new(
        "train-vehicle-type",
        "vehicle-type",
        "Train the vehicle-type head on ResNet-18 embeddings of labelled crops (folder name = label), report held-out accuracy, write the model version.",
        Path.Combine("..", "shared", "data", "vehicles"),
        Path.Combine("models", "vehicle-type", "1"),
        console,
        VehicleTypeTrainer.RunAsync);

    public static TrainingCommand TrafficScene(CommandConsole console) => new(
        "train-traffic-scene",
        "traffic-scene",
        "Train the congestion and lighting heads over pooled region features of camera frames (labels.csv), comparing region layouts leave-one-camera-out; write the model version.",
        Path.Combine("..", "shared", "data", "traffic-cameras"),
        Path.Combine("models", "traffic-scene", "1"),
        console,
        TrafficSceneTrainer.RunAsync);

    public static TrainingCommand TrafficScene2(CommandConsole console) => new(
        "train-traffic-scene-2",
        "traffic-scene",
        "Train traffic-scene version 2: congestion, lighting and a vehicle occupancy estimate over 2x2 tiles, with calibration.bin for per-camera calibration; measured leave-one-camera-out zero-shot and with 10 calibration frames; write the model version.",
        Path.Combine("..", "shared", "data", "traffic-cameras"),
        Path.Combine("models", "traffic-scene", "2"),
        console,
        TrafficScene2Trainer.RunAsync);
}
