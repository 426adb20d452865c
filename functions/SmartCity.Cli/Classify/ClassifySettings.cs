namespace SmartCity.Cli.Classify;

/// <summary>What <c>classify</c> was asked: the inputs, the model and version, how many labels, the output format.</summary>
internal sealed record ClassifySettings(IReadOnlyList<string> Inputs, string Model, string? Version, int Top, bool Json, EngineSettings Engine);
