using System.Globalization;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// Answers the camera query API from the result store: a camera's classifications in a capture-time range, newest first,
/// paged with an opaque continuation token; and counts per top label per hour or day.
/// </summary>
public sealed class CameraResultsQuery(CameraResultStore store)
{
    public const int MaxTop = 1000;
    public const int DefaultTop = 50;

    /// <summary>Longest range a summary covers, per interval (bounds the rows read).</summary>
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

    public async Task<CameraSummary> SummarizeAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, SummaryInterval interval, CancellationToken cancellationToken = default)
    {
        CheckCamera(cameraId);
        CheckRange(from, to);
        if (to - from > MaxSummaryRange(interval))
        {
            throw new CameraQueryException("to", $"A summary per {interval.ToString().ToLowerInvariant()} covers at most {MaxSummaryRange(interval).TotalDays} days.");
        }

        var tally = new CameraSummaryTally(interval);
        await foreach (var row in store.ReadSummaryRowsAsync(cameraId, from, to, cancellationToken).ConfigureAwait(false))
        {
            tally.Add(row);
        }

        return tally.ToSummary(cameraId, from, to);
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
