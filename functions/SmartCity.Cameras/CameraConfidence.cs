using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras;

/// <summary>
/// Whether a stored result can be trusted: <c>sure</c>, or <c>unsure</c> with its reasons.
/// <list type="bullet">
/// <item><see cref="LowMargin"/>: the primary head's top probability exceeds the second's by less than
/// <see cref="CameraPipelineOptions.UnsureMargin"/> (a one-label head: the top probability itself).
/// A detector, and a head that gives no probabilities (an estimate, an embedding), has no margin.</item>
/// <item><see cref="UncalibratedCamera"/>: the model is listed in <see cref="CameraPipelineOptions.CalibratedModels"/>
/// (it expects a calibrated model per camera) and this camera has none, so the base model answered.</item>
/// </list>
/// </summary>
public static class CameraConfidence
{
    public const string Sure = "sure";
    public const string Unsure = "unsure";
    public const string LowMargin = "low-margin";
    public const string UncalibratedCamera = "uncalibrated-camera";

    /// <summary>Default of <see cref="CameraPipelineOptions.UnsureMargin"/>: a top label less than 20 points ahead of the next is a guess between two.</summary>
    public const double DefaultUnsureMargin = 0.2;

    /// <summary>Top-1 minus top-2 probability of the primary head, or null when it gives no probabilities.</summary>
    public static float? Margin(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Model.Task == ModelTask.ObjectDetection || prediction.Heads.Count == 0)
        {
            return null;
        }

        var head = prediction.Heads[0];
        if (head.Kind is not (OutputKind.Logits or OutputKind.Probabilities or OutputKind.ZipMap) || head.Scores.Length == 0)
        {
            return null;
        }

        var (first, second) = (float.NegativeInfinity, 0f);
        var seenTwo = false;
        foreach (var score in head.Scores)
        {
            if (score > first)
            {
                (second, seenTwo) = (first, !float.IsNegativeInfinity(first));
                first = score;
            }
            else if (!seenTwo || score > second)
            {
                (second, seenTwo) = (score, true);
            }
        }

        return seenTwo ? first - second : first;
    }

    /// <summary>The reasons a result is unsure (empty: sure), in a fixed order.</summary>
    public static IReadOnlyList<string> UnsureReasons(float? margin, string baseModel, bool calibrated, CameraPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reasons = new List<string>(2);
        if (margin is { } value && value < options.UnsureMargin)
        {
            reasons.Add(LowMargin);
        }

        if (!calibrated && options.CalibratedModelNames.Contains(baseModel, StringComparer.Ordinal))
        {
            reasons.Add(UncalibratedCamera);
        }

        return reasons;
    }
}
