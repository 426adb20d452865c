namespace SmartCity.Cameras.Storage;

/// <summary>
/// The explanations of one upload, <c>{ResultsContainer}/{cameraId}/{name}.explain.json</c>, beside
/// its classification document (same container and prefix, so the same retention applies). Written
/// only for results the settings choose (<see cref="CameraPipelineOptions.ExplainBelowProbability"/>,
/// <see cref="CameraPipelineOptions.ExplainLabels"/>). The overlays are small copies of the frame.
/// </summary>
public sealed record CameraExplanationDocument(string CameraId, string BlobName, string SourceETag, IReadOnlyList<ModelExplanation> Models);
