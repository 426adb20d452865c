namespace SmartCity.Cli.Training;

/// <summary>What a <c>train-*</c> command was asked: the labelled data, the model version folder to write, the engine.</summary>
internal sealed record TrainingSettings(string Data, string Output, EngineSettings Engine);
