namespace SmartCity.Cameras.Storage;

/// <summary>
/// Counts the rows of a summary: per interval, model and top label; a detector's objects per
/// interval, model and label; rejections apart; stale uploads into frozen periods. Everything is kept per interval, so a summary can leave out the intervals
/// it did not read whole.
/// </summary>
internal sealed class CameraSummaryTally(SummaryInterval interval)
{
    private readonly Dictionary<(DateTimeOffset Start, string Model, string Label), int> _counts = [];
    private readonly Dictionary<DateTimeOffset, int> _rejected = [];
    private readonly Dictionary<(DateTimeOffset Start, string Model), int> _detectorFrames = [];
    private readonly Dictionary<(DateTimeOffset Start, string Model, string Label), (int Total, int Max)> _objects = [];
    private readonly Dictionary<string, (DateTimeOffset FirstSeen, DateTimeOffset CapturedAt)> _staleUploads = new(StringComparer.Ordinal);

    public void Add(CameraSummaryRow row)
    {
        if (row.Status == CameraImageClassifier.StatusRejected)
        {
            _rejected[Start(row.CapturedAt)] = _rejected.GetValueOrDefault(Start(row.CapturedAt)) + 1;
            return;
        }

        if (row.Stale && row.BlobName is { } blobName)
        {
            // One row per model: count each stale upload once.
            _staleUploads[blobName] = (row.PictureFirstSeenAt ?? row.CapturedAt, row.CapturedAt);
        }

        if (row.ObjectCounts is { } objects)
        {
            var frame = (Start(row.CapturedAt), row.Model ?? string.Empty);
            _detectorFrames[frame] = _detectorFrames.GetValueOrDefault(frame) + 1;
            foreach (var (label, count) in objects)
            {
                var objectKey = (frame.Item1, frame.Item2, label);
                var (total, max) = _objects.GetValueOrDefault(objectKey);
                _objects[objectKey] = (total + count, Math.Max(max, count));
            }

            return;
        }

        var key = (Start(row.CapturedAt), row.Model ?? string.Empty, row.TopLabel ?? string.Empty);
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
    }

    /// <summary>The start of the interval after the one <paramref name="time"/> falls in.</summary>
    public DateTimeOffset NextStart(DateTimeOffset time) => interval == SummaryInterval.Hour ? Start(time).AddHours(1) : Start(time).AddDays(1);

    /// <summary>The summary of what was added; when <paramref name="complete"/> is false, only of the intervals from <paramref name="coveredFrom"/> on.</summary>
    public CameraSummary ToSummary(string cameraId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset coveredFrom, bool complete)
    {
        var cut = complete ? DateTimeOffset.MinValue : coveredFrom;
        var counts = _counts.Where(c => c.Key.Start >= cut).ToList();
        var buckets = counts
            .OrderBy(c => c.Key.Start).ThenBy(c => c.Key.Model, StringComparer.Ordinal).ThenBy(c => c.Key.Label, StringComparer.Ordinal)
            .Select(c => new CameraSummaryBucket(c.Key.Start, c.Key.Model, c.Key.Label, c.Value))
            .ToArray();
        var stalePeriods = _staleUploads.Values
            .Where(f => f.CapturedAt >= cut)
            .GroupBy(f => f.FirstSeen)
            .OrderBy(g => g.Key)
            .Select(g => new StalePeriod(g.Key, g.Max(f => f.CapturedAt), g.Count()))
            .ToArray();
        var rejected = _rejected.Where(r => r.Key >= cut).Sum(r => r.Value);
        var frames = _detectorFrames.Where(f => f.Key.Start >= cut).ToDictionary(f => f.Key, f => f.Value);
        var objects = _objects
            .Where(o => o.Key.Start >= cut)
            .OrderBy(o => o.Key.Start).ThenBy(o => o.Key.Model, StringComparer.Ordinal).ThenBy(o => o.Key.Label, StringComparer.Ordinal)
            .Select(o =>
            {
                var seen = frames[(o.Key.Start, o.Key.Model)];
                return new CameraObjectCountBucket(o.Key.Start, o.Key.Model, o.Key.Label, seen, o.Value.Total, Math.Round((double)o.Value.Total / seen, 4), o.Value.Max);
            })
            .ToArray();
        var classified = counts.Sum(c => c.Value) + frames.Values.Sum();
        return new CameraSummary(cameraId, from, to, interval.ToString().ToLowerInvariant(), buckets, classified, rejected, stalePeriods, complete, coveredFrom, objects);
    }

    private DateTimeOffset Start(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return interval == SummaryInterval.Hour
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }
}
