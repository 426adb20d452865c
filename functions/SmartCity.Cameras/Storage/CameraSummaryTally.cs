namespace SmartCity.Cameras.Storage;

/// <summary>
/// Counts the rows of a summary: per interval, model and top label (sure and unsure apart); a detector's objects per
/// interval, model and label; estimate heads' results, mean and max per interval, model and head; unsure rows; rejections apart; stale uploads into frozen periods. Everything is kept per interval, so a summary can leave out the intervals
/// it did not read whole.
/// </summary>
internal sealed class CameraSummaryTally(SummaryInterval interval)
{
    private readonly Dictionary<(DateTimeOffset Start, string Model, string Label), (int Count, int Sure, int Unsure)> _counts = [];
    private readonly Dictionary<DateTimeOffset, int> _unsure = [];
    private readonly Dictionary<DateTimeOffset, int> _estimateOnly = [];
    private readonly Dictionary<(DateTimeOffset Start, string Model, string Head), (int Results, double Sum, double Max, int Unsure)> _estimates = [];
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

        var start = Start(row.CapturedAt);
        var unsure = row.Confidence == CameraConfidence.Unsure;
        if (unsure)
        {
            _unsure[start] = _unsure.GetValueOrDefault(start) + 1;
        }

        foreach (var (head, value) in row.Estimates ?? new Dictionary<string, float>())
        {
            var estimateKey = (start, row.Model ?? string.Empty, head);
            var (results, sum, max, unsureResults) = _estimates.GetValueOrDefault(estimateKey, (0, 0d, double.NegativeInfinity, 0));
            _estimates[estimateKey] = (results + 1, sum + value, Math.Max(max, value), unsureResults + (unsure ? 1 : 0));
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

        if (row.TopLabel is null && row.Estimates is not null)
        {
            // A model whose primary head is an estimate has no label to count: its estimates say it.
            _estimateOnly[start] = _estimateOnly.GetValueOrDefault(start) + 1;
            return;
        }

        var key = (start, row.Model ?? string.Empty, row.TopLabel ?? string.Empty);
        var (labelled, sure, unsureLabelled) = _counts.GetValueOrDefault(key);
        _counts[key] = (labelled + 1, sure + (row.Confidence == CameraConfidence.Sure ? 1 : 0), unsureLabelled + (unsure ? 1 : 0));
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
            .Select(c => new CameraSummaryBucket(c.Key.Start, c.Key.Model, c.Key.Label, c.Value.Count, c.Value.Sure, c.Value.Unsure))
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
        var estimates = _estimates
            .Where(e => e.Key.Start >= cut)
            .OrderBy(e => e.Key.Start).ThenBy(e => e.Key.Model, StringComparer.Ordinal).ThenBy(e => e.Key.Head, StringComparer.Ordinal)
            .Select(e => new CameraEstimateBucket(e.Key.Start, e.Key.Model, e.Key.Head, e.Value.Results, Math.Round(e.Value.Sum / e.Value.Results, 4), Math.Round(e.Value.Max, 4), e.Value.Unsure))
            .ToArray();
        var classified = counts.Sum(c => c.Value.Count) + frames.Values.Sum() + _estimateOnly.Where(e => e.Key >= cut).Sum(e => e.Value);
        var unsure = _unsure.Where(u => u.Key >= cut).Sum(u => u.Value);
        return new CameraSummary(cameraId, from, to, interval.ToString().ToLowerInvariant(), buckets, classified, rejected, stalePeriods, complete, coveredFrom, objects, unsure, estimates);
    }

    private DateTimeOffset Start(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return interval == SummaryInterval.Hour
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }
}
