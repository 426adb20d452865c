namespace SmartCity.Cameras.Storage;

/// <summary>
/// A model's estimate head (e.g. traffic-scene's <c>vehicles</c>) over a camera's results in one
/// interval: the <see cref="Results"/> that carried it, their <see cref="Mean"/> and <see cref="Max"/>,
/// and how many of them were <see cref="Unsure"/>. Results of every confidence are included.
/// </summary>
public sealed record CameraEstimateBucket(DateTimeOffset Start, string Model, string Head, int Results, double Mean, double Max, int Unsure);
