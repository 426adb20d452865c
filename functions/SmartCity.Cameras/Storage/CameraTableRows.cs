using System.Runtime.InteropServices;
using System.Text.Json;
using Azure.Data.Tables;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// The one place that knows the results table's columns: result rows (one per upload and model),
/// rejection rows, per-blob index rows and a camera's frame-state row, written here and read back
/// here. Keys come from <see cref="CameraRowKeys"/>.
/// </summary>
internal static class CameraTableRows
{
    /// <summary>The columns a summary reads.</summary>
    public static readonly IReadOnlyList<string> SummaryColumns =
        [Column.Status, Column.Model, Column.TopLabel, Column.CapturedAt, Column.BlobName, Column.Stale, Column.PictureFirstSeenAt, Column.ObjectCounts, Column.Confidence, Column.Estimates];

    /// <summary>The columns a reclassification's listing reads.</summary>
    public static readonly IReadOnlyList<string> VersionColumns = [Column.BlobName, Column.ModelVersion];

    private const char KeySeparator = '|';

    private const char ReasonSeparator = ',';

    /// <summary>Most labels in a row's <c>Predictions</c> column (the document has them all).</summary>
    public const int MaxRowLabels = 100;

    /// <summary>One row per model of a classified upload.</summary>
    public static IReadOnlyList<TableEntity> ClassificationRows(ClassifiedUpload classified) =>
        [.. classified.Models.Select(model => ClassificationRow(classified, model))];

    /// <summary>The row of a rejected upload.</summary>
    public static TableEntity RejectionRow(RejectedUpload rejected)
    {
        var rowKey = CameraRowKeys.Rejected(rejected.CapturedAt.Time, rejected.Upload.BlobName);
        var row = UploadRow(rejected.Upload, rowKey, CameraImageClassifier.StatusRejected, rejected.CapturedAt);
        row[Column.Reason] = rejected.Reason;
        row[Column.Message] = rejected.Message;
        return row;
    }

    /// <summary>
    /// The per-blob index row: the version written (ETag and Last-Modified), its rows, the older rows
    /// still to delete, whether all is written, and the claim's generation.
    /// </summary>
    public static TableEntity IndexRow(CameraUpload upload, string status, IEnumerable<string> rowKeys, IEnumerable<string> staleRowKeys, bool complete, long generation) =>
        new(upload.CameraId, CameraRowKeys.Index(upload.BlobName))
        {
            [Column.BlobName] = upload.BlobName,
            [Column.SourceETag] = upload.SourceETag,
            [Column.SourceLastModified] = upload.LastModified.ToUniversalTime(),
            [Column.Status] = status,
            [Column.RowKeys] = string.Join(KeySeparator, rowKeys),
            [Column.StaleRowKeys] = string.Join(KeySeparator, staleRowKeys),
            [Column.Complete] = complete,
            [Column.Generation] = generation,
        };

    public static CameraUploadIndex ReadIndex(TableEntity row) => new(
        row.GetString(Column.SourceETag) ?? string.Empty,
        row.GetString(Column.Status) ?? string.Empty,
        SplitKeys(row.GetString(Column.RowKeys)),
        SplitKeys(row.GetString(Column.StaleRowKeys)),
        row.GetBoolean(Column.Complete) ?? false)
    {
        SourceLastModified = row.GetDateTimeOffset(Column.SourceLastModified) ?? default,
        Generation = row.GetInt64(Column.Generation) ?? 0,
        RowETag = row.ETag,
    };

    /// <summary>A result or rejection row as the query API returns it.</summary>
    public static CameraClassification ReadClassification(TableEntity row) => new(
        row.PartitionKey,
        row.GetString(Column.BlobName) ?? string.Empty,
        row.GetDateTimeOffset(Column.CapturedAt) ?? default,
        row.GetString(Column.Status) ?? string.Empty,
        row.GetString(Column.Model),
        row.GetString(Column.ModelVersion),
        row.GetString(Column.TopLabel),
        row.GetDouble(Column.TopProbability) is { } probability ? (float)probability : null,
        row.GetString(Column.Predictions) is { Length: > 0 } labels ? JsonSerializer.Deserialize(labels, CameraJsonContext.Default.LabelScoreArray) : null,
        row.GetInt32(Column.Width),
        row.GetInt32(Column.Height),
        row.GetString(Column.SourceUri) ?? string.Empty,
        row.GetString(Column.SourceETag) ?? string.Empty,
        row.GetString(Column.Reason),
        row.RowKey,
        row.GetBoolean(Column.Stale),
        row.GetDateTimeOffset(Column.PictureFirstSeenAt),
        row.GetString(Column.OtherHeadLabels) is { Length: > 0 } heads ? JsonSerializer.Deserialize(heads, CameraJsonContext.Default.DictionaryStringString) : null,
        ReadObjectCounts(row),
        row.GetString(Column.ServedBy),
        row.GetBoolean(Column.Calibrated),
        row.GetString(Column.Confidence),
        row.GetString(Column.UnsureReasons) is { } reasons ? SplitReasons(reasons) : null,
        row.GetDouble(Column.Margin) is { } margin ? (float)margin : null,
        ReadEstimates(row));

    /// <summary>A row read with <see cref="VersionColumns"/>: the upload's name and the model version of its result.</summary>
    public static (string BlobName, string? Version) ReadBlobVersion(TableEntity row) =>
        (row.GetString(Column.BlobName) ?? string.Empty, row.GetString(Column.ModelVersion));

    /// <summary>A row read with <see cref="SummaryColumns"/>.</summary>
    public static CameraSummaryRow ReadSummaryRow(TableEntity row) => new(
        row.GetString(Column.Status),
        row.GetString(Column.Model),
        row.GetString(Column.TopLabel),
        row.GetDateTimeOffset(Column.CapturedAt) ?? default,
        row.GetString(Column.BlobName),
        row.GetBoolean(Column.Stale) == true,
        row.GetDateTimeOffset(Column.PictureFirstSeenAt),
        ReadObjectCounts(row),
        row.GetString(Column.Confidence),
        ReadEstimates(row));

    /// <summary>The estimates per head name; null on a row of a model without estimate heads and on rows written before estimates.</summary>
    private static Dictionary<string, float>? ReadEstimates(TableEntity row) =>
        row.GetString(Column.Estimates) is { Length: > 0 } estimates ? JsonSerializer.Deserialize(estimates, CameraJsonContext.Default.DictionaryStringSingle) : null;

    private static string[] SplitReasons(string reasons) => reasons.Split(ReasonSeparator, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A detector row's objects per label (<c>{}</c> for a frame without any); null on a classifier's row and on rows written before detectors.</summary>
    private static Dictionary<string, int>? ReadObjectCounts(TableEntity row) =>
        row.GetString(Column.ObjectCounts) is { Length: > 0 } counts ? JsonSerializer.Deserialize(counts, CameraJsonContext.Default.DictionaryStringInt32) : null;

    /// <summary>The rows of a camera captured in [from, to): result, rejection (never index or frame-state) rows.</summary>
    public static string RangeFilter(string cameraId, DateTimeOffset from, DateTimeOffset to)
    {
        var (lower, upper) = CameraRowKeys.Range(from, to);
        return TableClient.CreateQueryFilter($"PartitionKey eq {cameraId} and RowKey ge {lower} and RowKey lt {upper}");
    }

    /// <summary><see cref="RangeFilter"/>, narrowed to a top label and a model when given.</summary>
    public static string ListFilter(CameraClassificationFilter filter)
    {
        var query = RangeFilter(filter.CameraId, filter.From, filter.To);
        if (!string.IsNullOrEmpty(filter.Label))
        {
            query += " and " + IsEqual(Column.TopLabel, filter.Label);
        }

        if (!string.IsNullOrEmpty(filter.Model))
        {
            query += " and " + IsEqual(Column.Model, filter.Model);
        }

        return query;
    }

    /// <summary>A camera's frame-state row: the last frame, and the one before it.</summary>
    public static TableEntity FrameStateRow(string cameraId, RecordedFrame last, RecordedFrame? previous)
    {
        var row = new TableEntity(cameraId, CameraRowKeys.FrameState);
        WriteFrame(row, Column.LastFrame, last);
        if (previous is not null)
        {
            WriteFrame(row, Column.PreviousFrame, previous);
        }

        return row;
    }

    /// <summary>The last frame and the one before it, from a frame-state row (nulls when there is none).</summary>
    public static (RecordedFrame? Last, RecordedFrame? Previous) ReadFrameState(TableEntity? row) =>
        (ReadFrame(row, Column.LastFrame), ReadFrame(row, Column.PreviousFrame));

    private static TableEntity ClassificationRow(ClassifiedUpload classified, CameraModelResult result)
    {
        var model = result.Classification;
        var labels = model.Predictions;
        var rowKey = CameraRowKeys.Result(classified.CapturedAt.Time, classified.Upload.BlobName, model.Model);
        var row = UploadRow(classified.Upload, rowKey, CameraImageClassifier.StatusClassified, classified.CapturedAt);
        row[Column.Model] = model.Model;
        row[Column.ModelVersion] = model.Version;
        row[Column.TopLabel] = labels.Count > 0 ? labels[0].Label : null;
        row[Column.TopProbability] = labels.Count > 0 ? (double)labels[0].Probability : null;
        // A classifier's labels are already its top ones; a detector's (one per object, up to its
        // maxDetections of 1000) are cut so the column stays far under a property's 64 KB.
        row[Column.Predictions] = JsonSerializer.Serialize(labels.Take(MaxRowLabels).ToArray(), CameraJsonContext.Default.LabelScoreArray);
        row[Column.Width] = result.Width;
        row[Column.Height] = result.Height;
        row[Column.ProcessingMs] = classified.ProcessingMs;
        row[Column.Stale] = classified.Stale.Stale;
        row[Column.PictureFirstSeenAt] = classified.Stale.PictureFirstSeenAt.ToUniversalTime();
        if (model.ObjectCounts() is { } objects)
        {
            // The boxes are in the document (a row property holds at most 64 KB); the row holds the counts a summary adds up.
            row[Column.ObjectCounts] = JsonSerializer.Serialize(new Dictionary<string, int>(objects, StringComparer.Ordinal), CameraJsonContext.Default.DictionaryStringInt32);
        }

        if (model.ServedBy is { } servedBy)
        {
            row[Column.ServedBy] = servedBy;
            row[Column.Calibrated] = model.Calibrated == true;
        }

        if (model.Confidence is { } confidence)
        {
            row[Column.Confidence] = confidence;
            row[Column.UnsureReasons] = string.Join(ReasonSeparator, model.UnsureReasons ?? []);
        }

        if (model.Margin is { } margin)
        {
            row[Column.Margin] = (double)margin;
        }

        if (model.Estimates is { } estimates)
        {
            row[Column.Estimates] = JsonSerializer.Serialize(new Dictionary<string, float>(estimates, StringComparer.Ordinal), CameraJsonContext.Default.DictionaryStringSingle);
        }

        if (model.Heads is { } heads)
        {
            var topLabels = heads.ToDictionary(h => h.Key, h => h.Value[0].Label);
            row[Column.OtherHeadLabels] = JsonSerializer.Serialize(topLabels, CameraJsonContext.Default.DictionaryStringString);
        }

        return row;
    }

    /// <summary>The columns every result and rejection row has.</summary>
    private static TableEntity UploadRow(CameraUpload upload, string rowKey, string status, CaptureTime capturedAt)
    {
        var row = new TableEntity(upload.CameraId, rowKey)
        {
            [Column.Status] = status,
            [Column.BlobName] = upload.BlobName,
            [Column.SourceUri] = upload.SourceUri,
            [Column.SourceETag] = upload.SourceETag,
            [Column.CapturedAt] = capturedAt.Time.ToUniversalTime(),
            [Column.CaptureTimeSource] = capturedAt.Source,
        };
        if (capturedAt.Note is { } note)
        {
            row[Column.CaptureTimeNote] = note;
        }

        return row;
    }

    private static string[] SplitKeys(string? value) => string.IsNullOrEmpty(value) ? [] : value.Split(KeySeparator);

    /// <summary><c>{column} eq '{value}'</c>, the value quoted and escaped by the SDK.</summary>
    private static string IsEqual(string column, string value) => $"{column} eq {TableClient.CreateQueryFilter($"{value}")}";

    private static void WriteFrame(TableEntity row, string prefix, RecordedFrame frame)
    {
        row[prefix + Column.FrameUpload] = frame.Upload;
        row[prefix + Column.FrameHash] = frame.Fingerprint.ContentHash;
        row[prefix + Column.CapturedAt] = frame.Fingerprint.CapturedAt.ToUniversalTime();
        row[prefix + Column.FrameFirstSeenAt] = frame.Fingerprint.PictureFirstSeenAt.ToUniversalTime();
        if (frame.Fingerprint.Embedding is { } embedding)
        {
            // 512 floats = 2 KB, well under the 64 KB property limit.
            row[prefix + Column.FrameEmbedding] = MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();
        }
    }

    private static RecordedFrame? ReadFrame(TableEntity? row, string prefix)
    {
        if (row?.GetString(prefix + Column.FrameUpload) is not { } upload || row.GetString(prefix + Column.FrameHash) is not { } hash)
        {
            return null;
        }

        var embedding = row.GetBinary(prefix + Column.FrameEmbedding) is { Length: > 0 } bytes ? MemoryMarshal.Cast<byte, float>(bytes).ToArray() : null;
        return new RecordedFrame(upload, new FrameFingerprint(
            hash,
            embedding,
            row.GetDateTimeOffset(prefix + Column.CapturedAt) ?? default,
            row.GetDateTimeOffset(prefix + Column.FrameFirstSeenAt) ?? default));
    }

    /// <summary>Column names (frame-state columns are prefixed with the frame they describe).</summary>
    private static class Column
    {
        public const string Status = "Status";
        public const string BlobName = "BlobName";
        public const string SourceUri = "SourceUri";
        public const string SourceETag = "SourceETag";
        public const string SourceLastModified = "SourceLastModified";
        public const string CapturedAt = "CapturedAt";
        public const string CaptureTimeSource = "CaptureTimeSource";
        public const string CaptureTimeNote = "CaptureTimeNote";
        public const string Model = "Model";
        public const string ModelVersion = "ModelVersion";
        public const string TopLabel = "TopLabel";
        public const string TopProbability = "TopProbability";
        public const string Predictions = "Predictions";
        public const string Width = "Width";
        public const string Height = "Height";
        public const string ProcessingMs = "ProcessingMs";
        public const string Stale = "Stale";
        public const string PictureFirstSeenAt = "PictureFirstSeenAt";
        public const string OtherHeadLabels = "OtherHeadLabels";
        public const string ObjectCounts = "ObjectCounts";
        public const string ServedBy = "ServedBy";
        public const string Calibrated = "Calibrated";
        public const string Confidence = "Confidence";
        public const string UnsureReasons = "UnsureReasons";
        public const string Margin = "Margin";
        public const string Estimates = "Estimates";
        public const string Reason = "Reason";
        public const string Message = "Message";
        public const string RowKeys = "RowKeys";
        public const string StaleRowKeys = "StaleRowKeys";
        public const string Complete = "Complete";
        public const string Generation = "Generation";
        public const string LastFrame = "Last";
        public const string PreviousFrame = "Previous";
        public const string FrameUpload = "Upload";
        public const string FrameHash = "Hash";
        public const string FrameFirstSeenAt = "FirstSeenAt";
        public const string FrameEmbedding = "Embedding";
    }
}
