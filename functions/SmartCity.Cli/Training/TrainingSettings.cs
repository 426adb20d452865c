using SmartCity.Cli.Push;

namespace SmartCity.Cli.Training;

/// <summary>What a <c>train-*</c> command was asked: the labelled data, the model version folder to write, the engine, and where to publish it (if anywhere).</summary>
internal sealed record TrainingSettings(string Data, string Output, EngineSettings Engine, PushSettings? Push = null);
