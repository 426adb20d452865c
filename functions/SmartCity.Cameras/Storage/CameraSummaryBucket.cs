namespace SmartCity.Cameras.Storage;

/// <summary>How many uploads of a camera a model gave a top label, per interval.</summary>
public sealed record CameraSummaryBucket(DateTimeOffset Start, string Model, string Label, int Count);
