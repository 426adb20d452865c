namespace SmartCity.Cameras.Storage;

/// <summary>
/// How many uploads of a camera a model gave a top label, per interval: <see cref="Count"/> in all,
/// of which <see cref="Sure"/> were confident and <see cref="Unsure"/> were not (see <c>CameraConfidence</c>).
/// Rows stored before confidence was recorded are in <see cref="Count"/> only, so Sure + Unsure ≤ Count.
/// </summary>
public sealed record CameraSummaryBucket(DateTimeOffset Start, string Model, string Label, int Count, int Sure = 0, int Unsure = 0);
