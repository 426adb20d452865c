namespace SmartCity.Cameras.Storage;

/// <summary>
/// Counts per interval, model and top label over [From, To) (for traffic-scene the top label is
/// the congestion level); rejected uploads counted apart; the periods the feed was frozen.
/// </summary>
public sealed record CameraSummary(
    string CameraId,
    DateTimeOffset From,
    DateTimeOffset To,
    string Interval,
    IReadOnlyList<CameraSummaryBucket> Buckets,
    int Classified,
    int Rejected,
    IReadOnlyList<StalePeriod> StalePeriods);
