namespace SmartCity.Cameras;

/// <summary>An upload that is not a readable image, ready to store as a rejection.</summary>
/// <param name="Upload">The upload.</param>
/// <param name="CapturedAt">Its capture time and where it came from.</param>
/// <param name="Reason">The <see cref="SmartCity.Inference.InferenceException.Code"/> of the image problem, e.g. <c>corrupt-image</c>.</param>
/// <param name="Message">What is wrong with the image.</param>
/// <param name="ProcessedAt">When the rejection was made.</param>
public sealed record RejectedUpload(CameraUpload Upload, CaptureTime CapturedAt, string Reason, string Message, DateTimeOffset ProcessedAt);
