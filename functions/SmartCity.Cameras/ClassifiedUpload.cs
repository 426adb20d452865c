namespace SmartCity.Cameras;

/// <summary>An upload every model classified, ready to store.</summary>
/// <param name="Upload">The upload.</param>
/// <param name="CapturedAt">Its capture time and where it came from.</param>
/// <param name="Models">Each model's answer, in the order the models are configured.</param>
/// <param name="Stale">Whether the frame repeats the camera's previous picture.</param>
/// <param name="ProcessingMs">Milliseconds from the start of the invocation to the models' answers.</param>
/// <param name="ProcessedAt">When the result was made.</param>
public sealed record ClassifiedUpload(CameraUpload Upload, CaptureTime CapturedAt, IReadOnlyList<CameraModelResult> Models, StaleDecision Stale, double ProcessingMs, DateTimeOffset ProcessedAt);
