using System.Diagnostics.Metrics;

namespace SmartCity.Cameras.Telemetry;

/// <summary>
/// The camera pipeline's metrics, on the meter <see cref="MeterName"/>: one count per delivery
/// of a camera upload with its outcome. <c>classified</c> and <c>rejected</c> are the deliveries
/// whose result was stored (a classified one says whether the feed looked frozen, <c>stale</c>);
/// <c>duplicate</c> is a redelivery of a blob already done (Event Grid's at-least-once delivery,
/// or the host's retry after a failure), <c>superseded</c> one overtaken by a newer upload of the
/// same name, <c>blob-missing</c> one whose blob was deleted first, and <c>failed</c> one that threw
/// (storage unavailable, cancelled): the host retries it, so a count of <c>failed</c> followed by
/// <c>classified</c> or <c>duplicate</c> is a retry that succeeded. <see cref="Results"/> counts the
/// model results of each classified upload, once, when they are stored (a duplicate or superseded
/// delivery adds none), by model and <c>confidence</c> (<c>sure</c>, <c>unsure</c>): the unsure
/// share per model is what an operator watches on an uncalibrated camera or a drifting model.
/// </summary>
public static class CameraMetrics
{
    public const string MeterName = "SmartCity.Cameras";

    public const string Uploads = "smartcity.camera.uploads";

    public const string Results = "smartcity.camera.results";

    private static readonly Meter Meter = new(MeterName, typeof(CameraMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly Counter<long> UploadCounter = Meter.CreateCounter<long>(Uploads, "{upload}", "Camera upload deliveries by outcome (classified, rejected, duplicate, superseded, blob-missing, failed) and, for classified ones, whether the feed was stale.");

    private static readonly Counter<long> ResultCounter = Meter.CreateCounter<long>(Results, "{result}", "Model results of classified camera uploads, by model (the base model a result is stored under) and confidence (sure, unsure).");

    /// <summary>Counts the model results of a classified upload whose results this delivery stored.</summary>
    internal static void RecordResults(IEnumerable<CameraModelResult> results)
    {
        foreach (var result in results)
        {
            var classification = result.Classification;
            ResultCounter.Add(1, [new("model", classification.Model), new("confidence", classification.Confidence ?? CameraConfidence.Sure)]);
        }
    }

    internal static void Record(CameraUploadResult result) =>
        UploadCounter.Add(1, [new("outcome", Name(result.Outcome)), new("stale", result.Stale)]);

    internal static void RecordFailed(Exception exception) =>
        UploadCounter.Add(1, [new("outcome", "failed"), new("stale", false), new("error.type", exception is OperationCanceledException ? "cancelled" : exception.GetType().Name)]);

    private static string Name(CameraUploadOutcome outcome) => outcome switch
    {
        CameraUploadOutcome.Classified => "classified",
        CameraUploadOutcome.Rejected => "rejected",
        CameraUploadOutcome.Duplicate => "duplicate",
        CameraUploadOutcome.Superseded => "superseded",
        CameraUploadOutcome.BlobMissing => "blob-missing",
        _ => outcome.ToString(),
    };
}
