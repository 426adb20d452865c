using System.Text.Json.Serialization;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// What one model said about an upload: its primary answer, its other labelled heads (e.g. lighting),
/// and, for an object detector, every object it found (its <see cref="Predictions"/> are then those
/// objects' labels, most probable first). <see cref="Detections"/> is left out of the documents of
/// classifiers, so documents written before detectors read back unchanged.
/// </summary>
public sealed record ModelClassification(
    string Model,
    string Version,
    IReadOnlyList<LabelScore> Predictions,
    IReadOnlyDictionary<string, IReadOnlyList<LabelScore>>? Heads = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DetectedObject>? Detections = null)
{
    /// <summary>Objects per label (for a detector; null for a classifier), the labels in ordinal order.</summary>
    public IReadOnlyDictionary<string, int>? ObjectCounts() =>
        Detections?.GroupBy(d => d.Label, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
