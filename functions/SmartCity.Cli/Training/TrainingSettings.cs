using SmartCity.Cli.Push;
using SmartCity.Training;

namespace SmartCity.Cli.Training;

/// <summary>What a <c>train-*</c> command was asked: the labelled data, the model version folder to write, the engine, the example index, and where to publish it (if anywhere).</summary>
internal sealed record TrainingSettings(string Data, string Output, EngineSettings Engine, PushSettings? Push = null)
{
    /// <summary>How many training examples the version's example index keeps, and whether their images may be shown.</summary>
    public ExampleIndexSettings Examples { get; init; } = new();
}
