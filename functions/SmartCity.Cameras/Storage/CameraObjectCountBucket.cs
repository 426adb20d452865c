namespace SmartCity.Cameras.Storage;

/// <summary>
/// What a detector counted in a camera's frames per interval, for one label: over the
/// <see cref="Frames"/> the detector saw in the interval, the objects in all (<see cref="Total"/>),
/// per frame on average (<see cref="Mean"/>, frames without that label counting as 0) and at most
/// in one frame (<see cref="Max"/>).
/// </summary>
public sealed record CameraObjectCountBucket(DateTimeOffset Start, string Model, string Label, int Frames, int Total, double Mean, int Max);
