using SmartCity.Cameras.Storage;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras;

/// <summary>What one model said about an upload (a detector: the objects and their boxes), and the size of the image it saw.</summary>
public sealed record CameraModelResult(ModelClassification Classification, int Width, int Height)
{
    /// <summary>The labels of an engine prediction: the primary head's, and the other labelled heads' (e.g. traffic-scene's lighting).</summary>
    public static CameraModelResult From(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var detections = prediction.Model.Task == ModelTask.ObjectDetection
            ? prediction.Detections.Select(d => new DetectedObject(d.Label, d.Probability, d.Box.Left, d.Box.Top, d.Box.Width, d.Box.Height)).ToArray()
            : null;
        var classification = new ModelClassification(prediction.Model.Name, prediction.Model.Version, Labels(prediction.Predictions), detections is null ? OtherHeads(prediction) : null, detections);
        return new CameraModelResult(classification, prediction.Width, prediction.Height);
    }

    private static LabelScore[] Labels(IEnumerable<LabelProbability> labels) =>
        [.. labels.Select(l => new LabelScore(l.Label, l.Probability))];

    /// <summary>The labelled heads after the primary one, or null when there are none.</summary>
    private static Dictionary<string, IReadOnlyList<LabelScore>>? OtherHeads(Prediction prediction)
    {
        var heads = prediction.Heads.Skip(1).Where(h => h.Predictions.Count > 0).ToList();
        return heads.Count == 0
            ? null
            : heads.ToDictionary(h => h.Name, h => (IReadOnlyList<LabelScore>)Labels(h.Predictions), StringComparer.Ordinal);
    }
}
