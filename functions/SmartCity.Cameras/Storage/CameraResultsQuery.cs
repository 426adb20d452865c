using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;

using SmartCity.Inference;
namespace SmartCity.Cameras.Storage;

/// <summary>
/// Reads the results table: a camera's classifications in a capture-time range, newest first,
/// paged with an opaque continuation token; and counts per top label per hour or day.
/// </summary>
public sealed class CameraResultsQuery(CameraResultStore store)
{
    public const int MaxTop = 1000;
    public const int DefaultTop = 50;
    private const string TokenVersion = "v1:";

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

        var token = DecodeToken(continuationToken);
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var filter = RangeFilter(cameraId, from, to);
        if (!string.IsNullOrEmpty(label))
        {
            filter += " and " + TableClient.CreateQueryFilter($"TopLabel eq {label}");
        }

        if (!string.IsNullOrEmpty(model))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Model eq {model}");
        }

        var pages = store.Table.QueryAsync<TableEntity>(filter, top, cancellationToken: cancellationToken).AsPages(token, top);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return new CameraClassificationPage(cameraId, from, to, [.. page.Values.Select(ToClassification)], EncodeToken(page.ContinuationToken));
        }

        return new CameraClassificationPage(cameraId, from, to, [], null);
    }

    public async Task<CameraSummary> SummarizeAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, SummaryInterval interval, CancellationToken cancellationToken = default)
    {
        CheckCamera(cameraId);
        CheckRange(from, to);
        if (to - from > MaxSummaryRange(interval))
        {
            throw new CameraQueryException("to", $"A summary per {interval.ToString().ToLowerInvariant()} covers at most {MaxSummaryRange(interval).TotalDays} days.");
        }

        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<(DateTimeOffset Start, string Model, string Label), int>();
        var classified = 0;
        var rejected = 0;
        var select = new[] { "Status", "Model", "TopLabel", "CapturedAt", "BlobName", "Stale", "PictureFirstSeenAt" };
        var staleFrames = new Dictionary<string, (DateTimeOffset FirstSeen, DateTimeOffset CapturedAt)>(StringComparer.Ordinal);
        await foreach (var entity in store.Table.QueryAsync<TableEntity>(RangeFilter(cameraId, from, to), 1000, select, cancellationToken).ConfigureAwait(false))
        {
            if (entity.GetString("Status") == CameraImageClassifier.StatusRejected)
            {
                rejected++;
                continue;
            }

            var captured = entity.GetDateTimeOffset("CapturedAt") ?? default;
            if (entity.GetBoolean("Stale") == true && entity.GetString("BlobName") is { } blobName)
            {
                // One row per model: count each stale upload once.
                staleFrames[blobName] = (entity.GetDateTimeOffset("PictureFirstSeenAt") ?? captured, captured);
            }

            var key = (Truncate(captured, interval), entity.GetString("Model") ?? string.Empty, entity.GetString("TopLabel") ?? string.Empty);
            counts[key] = counts.GetValueOrDefault(key) + 1;
            classified++;
        }

        var buckets = counts
            .OrderBy(c => c.Key.Start).ThenBy(c => c.Key.Model, StringComparer.Ordinal).ThenBy(c => c.Key.Label, StringComparer.Ordinal)
            .Select(c => new CameraSummaryBucket(c.Key.Start, c.Key.Model, c.Key.Label, c.Value))
            .ToArray();
        var stalePeriods = staleFrames.Values
            .GroupBy(f => f.FirstSeen)
            .OrderBy(g => g.Key)
            .Select(g => new StalePeriod(g.Key, g.Max(f => f.CapturedAt), g.Count()))
            .ToArray();
        return new CameraSummary(cameraId, from, to, interval.ToString().ToLowerInvariant(), buckets, classified, rejected, stalePeriods);
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

    private static string RangeFilter(string cameraId, DateTimeOffset from, DateTimeOffset to)
    {
        var (lower, upper) = CameraRowKeys.Range(from, to);
        return TableClient.CreateQueryFilter($"PartitionKey eq {cameraId} and RowKey ge {lower} and RowKey lt {upper}");
    }

    private static DateTimeOffset Truncate(DateTimeOffset time, SummaryInterval interval)
    {
        var utc = time.UtcDateTime;
        return interval == SummaryInterval.Hour
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    private static CameraClassification ToClassification(TableEntity entity)
    {
        var predictions = entity.GetString("Predictions") is { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, CameraJsonContext.Default.LabelScoreArray)
            : null;
        return new CameraClassification(
            entity.PartitionKey,
            entity.GetString("BlobName") ?? string.Empty,
            entity.GetDateTimeOffset("CapturedAt") ?? default,
            entity.GetString("Status") ?? string.Empty,
            entity.GetString("Model"),
            entity.GetString("ModelVersion"),
            entity.GetString("TopLabel"),
            entity.GetDouble("TopProbability") is { } p ? (float)p : null,
            predictions,
            entity.GetInt32("Width"),
            entity.GetInt32("Height"),
            entity.GetString("SourceUri") ?? string.Empty,
            entity.GetString("SourceETag") ?? string.Empty,
            entity.GetString("Reason"),
            entity.RowKey,
            entity.GetBoolean("Stale"),
            entity.GetDateTimeOffset("PictureFirstSeenAt"),
            entity.GetString("OtherHeadLabels") is { Length: > 0 } heads ? JsonSerializer.Deserialize(heads, CameraJsonContext.Default.DictionaryStringString) : null);
    }

    private static string? EncodeToken(string? token) =>
        token is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(TokenVersion + token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            if (text.StartsWith(TokenVersion, StringComparison.Ordinal) && text.Length > TokenVersion.Length)
            {
                return text[TokenVersion.Length..];
            }
        }
        catch (FormatException)
        {
            // falls through to the error below
        }

        throw new CameraQueryException("continuationToken", "continuationToken is not one this API returned.");
    }
}
