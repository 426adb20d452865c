namespace SmartCity.Cameras.Storage;

/// <summary>A stretch of time in which a camera kept sending the same picture (a frozen feed).</summary>
/// <param name="From">When the repeated picture was first seen.</param>
/// <param name="To">Capture time of the last repeat in the range.</param>
/// <param name="Frames">Repeated frames (the first sighting not counted).</param>
public sealed record StalePeriod(DateTimeOffset From, DateTimeOffset To, int Frames);
