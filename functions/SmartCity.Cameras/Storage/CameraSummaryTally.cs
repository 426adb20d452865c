namespace SmartCity.Cameras.Storage;

/// <summary>Counts the rows of a summary: per interval, model and top label; rejections apart; stale uploads into frozen periods.</summary>
internal sealed class CameraSummaryTally(SummaryInterval interval)
{
    private readonly Dictionary<(DateTimeOffset Start, string Model, string Label), int> _counts = [];
    private readonly Dictionary<string, (DateTimeOffset FirstSeen, DateTimeOffset CapturedAt)> _staleUploads = new(StringComparer.Ordinal);
    private int _classified;
    private int _rejected;

    public void Add(CameraSummaryRow row)
    {
        if (row.Status == CameraImageClassifier.StatusRejected)
        {
            _rejected++;
            return;
        }

        if (row.Stale && row.BlobName is { } blobName)
        {
            // One row per model: count each stale upload once.
            _staleUploads[blobName] = (row.PictureFirstSeenAt ?? row.CapturedAt, row.CapturedAt);
        }

        var key = (Truncate(row.CapturedAt), row.Model ?? string.Empty, row.TopLabel ?? string.Empty);
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
        _classified++;
    }

    public CameraSummary ToSummary(string cameraId, DateTimeOffset from, DateTimeOffset to)
    {
        var buckets = _counts
            .OrderBy(c => c.Key.Start).ThenBy(c => c.Key.Model, StringComparer.Ordinal).ThenBy(c => c.Key.Label, StringComparer.Ordinal)
            .Select(c => new CameraSummaryBucket(c.Key.Start, c.Key.Model, c.Key.Label, c.Value))
            .ToArray();
        var stalePeriods = _staleUploads.Values
            .GroupBy(f => f.FirstSeen)
            .OrderBy(g => g.Key)
            .Select(g => new StalePeriod(g.Key, g.Max(f => f.CapturedAt), g.Count()))
            .ToArray();
        return new CameraSummary(cameraId, from, to, interval.ToString().ToLowerInvariant(), buckets, _classified, _rejected, stalePeriods);
    }

    private DateTimeOffset Truncate(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return interval == SummaryInterval.Hour
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }
}
