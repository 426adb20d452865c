using SmartCity.Cameras.Storage;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras;

/// <summary>What one model said about an upload (a detector: the objects and their boxes), and the size of the image it saw.</summary>
public sealed record CameraModelResult(ModelClassification Classification, int Width, int Height)
{
    /// <summary>
    /// The labels of an engine prediction (the primary head's, and the other labelled heads', e.g.
    /// traffic-scene's lighting), its estimates, and how sure it is, stored under <paramref name="baseModel"/>;
    /// <paramref name="calibrated"/> when the camera's calibrated model answered.
    /// </summary>
    public static CameraModelResult From(Prediction prediction, string baseModel, bool calibrated, CameraPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseModel);
        ArgumentNullException.ThrowIfNull(options);
        var detections = prediction.Model.Task == ModelTask.ObjectDetection
            ? prediction.Detections.Select(d => new DetectedObject(d.Label, d.Probability, d.Box.Left, d.Box.Top, d.Box.Width, d.Box.Height)).ToArray()
            : null;
        var margin = PredictionMargin.Of(prediction);
        var reasons = CameraConfidence.UnsureReasons(margin, baseModel, calibrated, options);
        var classification = new ModelClassification(
            baseModel,
            prediction.Model.Version,
            Labels(prediction.Predictions),
            detections is null ? OtherHeads(prediction) : null,
            detections,
            prediction.Model.Name,
            calibrated,
            reasons.Count == 0 ? CameraConfidence.Sure : CameraConfidence.Unsure,
            reasons,
            margin is { } m ? MathF.Round(m, 4) : null,
            Estimates(prediction));
        return new CameraModelResult(classification, prediction.Width, prediction.Height);
    }

    /// <summary>A prediction stored under the model that answered it, uncalibrated (<see cref="From(Prediction, string, bool, CameraPipelineOptions)"/>).</summary>
    public static CameraModelResult From(Prediction prediction, CameraPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return From(prediction, prediction.Model.Name, calibrated: false, options);
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

    /// <summary>The one value of each head of kind <c>estimate</c> (the primary head too), or null when there is none.</summary>
    private static Dictionary<string, float>? Estimates(Prediction prediction)
    {
        var heads = prediction.Heads.Where(h => h.Kind == OutputKind.Estimate && h.Scores.Length > 0).ToList();
        return heads.Count == 0 ? null : heads.ToDictionary(h => h.Name, h => h.Scores[0], StringComparer.Ordinal);
    }
}
