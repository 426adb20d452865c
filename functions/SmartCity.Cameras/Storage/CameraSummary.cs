namespace SmartCity.Cameras.Storage;

/// <summary>
/// Counts per interval, model and top label over [From, To) (for traffic-scene the top label is
/// the congestion level); rejected uploads counted apart; the periods the feed was frozen.
/// A summary reads at most <see cref="CameraResultsQuery.MaxSummaryRows"/> rows: when the range
/// holds more, the answer is exact for the newest whole intervals read, [CoveredFrom, To), and
/// <see cref="Complete"/> is false; the same query with <c>to</c> = <see cref="CoveredFrom"/> gives the rest.
/// A detector's rows are not top-label buckets: they are counted in <see cref="Objects"/> (objects per
/// label per interval: total, mean and max per frame); <see cref="Classified"/> counts both kinds of row.
/// <see cref="Unsure"/> counts the classified rows rated unsure (each bucket splits its count into sure and
/// unsure); <see cref="Estimates"/> gives per interval, model and estimate head the results, mean and max.
/// </summary>
public sealed record CameraSummary(
    string CameraId,
    DateTimeOffset From,
    DateTimeOffset To,
    string Interval,
    IReadOnlyList<CameraSummaryBucket> Buckets,
    int Classified,
    int Rejected,
    IReadOnlyList<StalePeriod> StalePeriods,
    bool Complete,
    DateTimeOffset CoveredFrom,
    IReadOnlyList<CameraObjectCountBucket> Objects,
    int Unsure = 0,
    IReadOnlyList<CameraEstimateBucket>? Estimates = null);
