using System.Text.Json.Serialization;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// What one model said about an upload: its primary answer, its other labelled heads (e.g. lighting),
/// and, for an object detector, every object it found (its <see cref="Predictions"/> are then those
/// objects' labels, most probable first). <see cref="Detections"/> is left out of the documents of
/// classifiers, so documents written before detectors read back unchanged.
/// </summary>
/// <param name="Model">The model the pipeline runs (the base model's name even when a camera's calibrated model answered), so a camera's results are queried under one name.</param>
/// <param name="Version">The version of the model that answered (of <see cref="ServedBy"/>).</param>
/// <param name="Predictions">The primary head's top labels, most probable first.</param>
/// <param name="Heads">The other labelled heads' top labels.</param>
/// <param name="Detections">A detector's objects.</param>
/// <param name="ServedBy">The model that answered: <see cref="Model"/>, or the camera's calibrated model (<c>{model}.cam-{cameraId}</c>). Null on documents written before calibration was routed.</param>
/// <param name="Calibrated">True when the camera's calibrated model answered.</param>
/// <param name="Confidence"><c>sure</c> or <c>unsure</c> (see <see cref="CameraConfidence"/>).</param>
/// <param name="UnsureReasons">Why it is unsure (<c>low-margin</c>, <c>uncalibrated-camera</c>); empty when sure.</param>
/// <param name="Margin">Top-1 minus top-2 probability of the primary head; null when it gives no probabilities (a detector, an estimate).</param>
/// <param name="Estimates">The value of each head of kind <c>estimate</c> (e.g. <c>vehicles</c>), by head name; null when the model has none.</param>
public sealed record ModelClassification(
    string Model,
    string Version,
    IReadOnlyList<LabelScore> Predictions,
    IReadOnlyDictionary<string, IReadOnlyList<LabelScore>>? Heads = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DetectedObject>? Detections = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ServedBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Calibrated = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Confidence = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? UnsureReasons = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Margin = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, float>? Estimates = null)
{
    /// <summary>Objects per label (for a detector; null for a classifier), the labels in ordinal order.</summary>
    public IReadOnlyDictionary<string, int>? ObjectCounts() =>
        Detections?.GroupBy(d => d.Label, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
