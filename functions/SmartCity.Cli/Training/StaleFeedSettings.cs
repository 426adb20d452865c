namespace SmartCity.Cli.Training;

/// <summary>What <c>evaluate-stale</c> was asked: the camera frames, the model whose embedding is compared, a threshold to score.</summary>
/// <param name="Threshold">The cosine distance below which a frame is a repeat; null to derive one from the frames.</param>
internal sealed record StaleFeedSettings(string Data, string Model, double? Threshold, EngineSettings Engine);
