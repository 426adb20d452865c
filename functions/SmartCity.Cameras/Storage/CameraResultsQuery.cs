using System.Globalization;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// Answers the camera query API from the result store: a camera's classifications in a capture-time range, newest first,
/// paged with an opaque continuation token; and counts per top label per hour or day.
/// </summary>
public sealed class CameraResultsQuery(CameraResultStore store, int maxSummaryRows = CameraResultsQuery.DefaultMaxSummaryRows)
{
    public const int MaxTop = 1000;
    public const int DefaultTop = 50;

    /// <summary>
    /// Most rows one summary request reads by default: at 1,000 rows per Tables page, 50 pages, a few
    /// seconds in the region; a camera's week at one frame every 15 s with one model.
    /// </summary>
    public const int DefaultMaxSummaryRows = 50_000;

    /// <summary>Most rows one summary request reads (one more tells whether there are more).</summary>
    public int MaxSummaryRows { get; } = maxSummaryRows > 0 ? maxSummaryRows : throw new ArgumentOutOfRangeException(nameof(maxSummaryRows), maxSummaryRows, "A summary must read at least one row.");

    /// <summary>Longest range a summary covers, per interval (bounds the buckets of an answer; <see cref="MaxSummaryRows"/> bounds the rows read).</summary>
    public static TimeSpan MaxSummaryRange(SummaryInterval interval) => interval == SummaryInterval.Hour ? TimeSpan.FromDays(31) : TimeSpan.FromDays(366);

    public async Task<CameraClassificationPage> ListAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, string? label, string? model, int top, string? continuationToken, CancellationToken cancellationToken = default)
    {
        CheckCamera(cameraId);
        CheckRange(from, to);
        if (top is < 1 or > MaxTop)
        {
            throw new CameraQueryException("top", $"top must be between 1 and {MaxTop}; got {top}.");
        }

        var token = CameraContinuationToken.Decode(continuationToken);
        var filter = new CameraClassificationFilter(cameraId, from, to, label, model);
        var rows = await store.ListClassificationsAsync(filter, top, token, cancellationToken).ConfigureAwait(false);
        return new CameraClassificationPage(cameraId, from, to, rows.Items, CameraContinuationToken.Encode(rows.ContinuationToken));
    }

    /// <summary>Most cameras one list answers (each costs one query for its latest row).</summary>
    public const int MaxCameras = 200;

    /// <summary>
    /// Every camera with stored results (up to <see cref="MaxCameras"/>, <see cref="CameraList.Truncated"/> when there
    /// are more) with its newest result or rejection row: the newest capture time up to a day after <paramref name="now"/>.
    /// </summary>
    public async Task<CameraList> ListCamerasAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var (ids, truncated) = await store.ListCameraIdsAsync(MaxCameras, cancellationToken).ConfigureAwait(false);
        var cameras = new List<CameraOverview>(ids.Count);
        foreach (var id in ids.Where(i => CameraBlobPath.Validate("c", "c", null, i, "n") is null))
        {
            var rows = await store.ListClassificationsAsync(new CameraClassificationFilter(id, DateTimeOffset.UnixEpoch, now.AddDays(1)), 1, null, cancellationToken).ConfigureAwait(false);
            cameras.Add(new CameraOverview(id, rows.Items.Count > 0 ? rows.Items[0] : null));
        }

        return new CameraList(cameras, truncated);
    }

    /// <summary>
    /// Counts a camera's rows in [from, to) per interval, model and top label, reading at most
    /// <see cref="MaxSummaryRows"/> rows (newest first): past that, the answer covers the newest whole
    /// intervals read and says so (<see cref="CameraSummary.Complete"/>, <see cref="CameraSummary.CoveredFrom"/>);
    /// when not even the newest interval fits, it is an <see cref="CameraQueryException"/>.
    /// </summary>
    public async Task<CameraSummary> SummarizeAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, SummaryInterval interval, CancellationToken cancellationToken = default)
    {
        CheckCamera(cameraId);
        CheckRange(from, to);
        if (to - from > MaxSummaryRange(interval))
        {
            throw new CameraQueryException("to", $"A summary per {interval.ToString().ToLowerInvariant()} covers at most {MaxSummaryRange(interval).TotalDays} days.");
        }

        var tally = new CameraSummaryTally(interval);
        var (read, firstUnread) = (0, (DateTimeOffset?)null);
        await foreach (var row in store.ReadSummaryRowsAsync(cameraId, from, to, cancellationToken).ConfigureAwait(false))
        {
            if (read++ == MaxSummaryRows)
            {
                firstUnread = row.CapturedAt; // one row past the limit: there is more
                break;
            }

            tally.Add(row);
        }

        return firstUnread is { } unread ? Partial(tally, cameraId, from, to, interval, unread) : tally.ToSummary(cameraId, from, to, from, complete: true);
    }

    /// <summary>The intervals newer than the one holding the first unread row, which were read whole.</summary>
    private CameraSummary Partial(CameraSummaryTally tally, string cameraId, DateTimeOffset from, DateTimeOffset to, SummaryInterval interval, DateTimeOffset firstUnread)
    {
        var coveredFrom = tally.NextStart(firstUnread);
        if (coveredFrom >= to)
        {
            var narrower = interval == SummaryInterval.Day ? "ask per hour" : "list the classifications instead";
            throw new CameraQueryException("interval", $"The newest {interval.ToString().ToLowerInvariant()} of the range alone holds more than {MaxSummaryRows} rows, the most one summary reads: {narrower}.");
        }

        return tally.ToSummary(cameraId, from, to, coveredFrom, complete: false);
    }

    /// <summary>Parses an ISO 8601 time from the query string (no offset means UTC).</summary>
    public static DateTimeOffset? ParseTime(string parameter, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new CameraQueryException(parameter, $"{parameter} must be an ISO 8601 time such as 2026-01-22T00:00:00Z; got '{text}'.");
    }

    public static int ParseTop(string? text) =>
        string.IsNullOrWhiteSpace(text) ? DefaultTop
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var top) && top is >= 1 and <= MaxTop ? top
        : throw new CameraQueryException("top", $"top must be a whole number between 1 and {MaxTop}; got '{text}'.");

    public static SummaryInterval ParseInterval(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "hour" => SummaryInterval.Hour,
        "day" => SummaryInterval.Day,
        _ => throw new CameraQueryException("interval", $"interval must be 'hour' or 'day'; got '{text}'."),
    };

    /// <summary>[from, to) from the query, defaulting to the last 24 hours before now.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) ParseRange(string? from, string? to, DateTimeOffset now)
    {
        var end = ParseTime("to", to) ?? now;
        var start = ParseTime("from", from) ?? end.AddDays(-1);
        CheckRange(start, end);
        return (start, end);
    }

    private static void CheckRange(DateTimeOffset from, DateTimeOffset to)
    {
        if (from >= to)
        {
            throw new CameraQueryException("from", $"from ({from:O}) must be before to ({to:O}).");
        }
    }

    private static void CheckCamera(string cameraId)
    {
        if (CameraBlobPath.Validate("c", "c", null, cameraId, "n") is not null)
        {
            throw new CameraQueryException("cameraId", "cameraId must be 1-64 letters, digits, '-', '_' or '.'.");
        }
    }
}
