using System.Text.Json.Serialization;

using SmartCity.Inference;
namespace SmartCity.Cameras.Storage;

/// <summary>A label and its probability.</summary>
public sealed record LabelScore(string Label, float Probability);

/// <summary>What one model said about an upload: its primary answer, and its other labelled heads (e.g. lighting).</summary>
public sealed record ModelClassification(string Model, string Version, IReadOnlyList<LabelScore> Predictions, IReadOnlyDictionary<string, IReadOnlyList<LabelScore>>? Heads = null);

/// <summary>
/// The classification document of one upload, <c>{ResultsContainer}/{cameraId}/{name}.json</c>.
/// Holds no pixels: the source is named by URI and ETag.
/// </summary>
public sealed record CameraClassificationDocument(
    string CameraId,
    string BlobName,
    string SourceUri,
    string SourceETag,
    DateTimeOffset CapturedAt,
    string CaptureTimeSource,
    int Width,
    int Height,
    IReadOnlyList<ModelClassification> Models,
    double ProcessingMs,
    DateTimeOffset ProcessedAt,
    IReadOnlyList<string> RowKeys,
    bool Stale,
    DateTimeOffset PictureFirstSeenAt,
    string? StaleReason,
    double? StaleDistance);

/// <summary>The record of an upload that is not a readable image, <c>{RejectedContainer}/{cameraId}/{name}.json</c>.</summary>
public sealed record CameraRejectionDocument(
    string CameraId,
    string BlobName,
    string SourceUri,
    string SourceETag,
    long ContentLength,
    string Reason,
    string Message,
    DateTimeOffset CapturedAt,
    string CaptureTimeSource,
    DateTimeOffset ProcessedAt,
    IReadOnlyList<string> RowKeys);

/// <summary>One row of the results table, as the query API returns it.</summary>
public sealed record CameraClassification(
    string CameraId,
    string BlobName,
    DateTimeOffset CapturedAt,
    string Status,
    string? Model,
    string? ModelVersion,
    string? TopLabel,
    float? TopProbability,
    IReadOnlyList<LabelScore>? Predictions,
    int? Width,
    int? Height,
    string SourceUri,
    string SourceETag,
    string? Reason,
    string Id,
    bool? Stale = null,
    DateTimeOffset? PictureFirstSeenAt = null,
    IReadOnlyDictionary<string, string>? OtherHeadLabels = null);

/// <summary>A page of classifications, newest first.</summary>
public sealed record CameraClassificationPage(
    string CameraId,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<CameraClassification> Items,
    string? ContinuationToken);

/// <summary>How many uploads of a camera a model gave a top label, per interval.</summary>
public sealed record CameraSummaryBucket(DateTimeOffset Start, string Model, string Label, int Count);

/// <summary>A stretch of time in which a camera kept sending the same picture (a frozen feed).</summary>
/// <param name="From">When the repeated picture was first seen.</param>
/// <param name="To">Capture time of the last repeat in the range.</param>
/// <param name="Frames">Repeated frames (the first sighting not counted).</param>
public sealed record StalePeriod(DateTimeOffset From, DateTimeOffset To, int Frames);

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

/// <summary>How an upload was handled.</summary>
public enum CameraUploadOutcome
{
    /// <summary>Every model ran; document and entities written.</summary>
    Classified,

    /// <summary>Not a readable image; rejection record and entity written.</summary>
    Rejected,

    /// <summary>This ETag was already processed completely: nothing written.</summary>
    Duplicate,

    /// <summary>The blob no longer exists: nothing written.</summary>
    BlobMissing,
}

/// <summary>The result of <see cref="CameraImageClassifier.ClassifyAsync"/>.</summary>
public sealed record CameraUploadResult(CameraUploadOutcome Outcome, string CameraId, string BlobName, IReadOnlyList<string> RowKeys, string? Reason = null);

/// <summary>Source-generated JSON of the pipeline's documents and table columns (camelCase).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CameraClassificationDocument))]
[JsonSerializable(typeof(CameraRejectionDocument))]
[JsonSerializable(typeof(LabelScore[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class CameraJsonContext : JsonSerializerContext;
