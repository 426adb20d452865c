using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras;

/// <summary>
/// Whether a stored result can be trusted: <c>sure</c>, or <c>unsure</c> with its reasons.
/// <list type="bullet">
/// <item><see cref="LowMargin"/>: the primary head's top probability exceeds the second's by less than
/// <see cref="CameraPipelineOptions.UnsureMargin"/> (<see cref="PredictionMargin"/>, which the native HTTP answer applies too).
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

    /// <summary>The reasons a result is unsure (empty: sure), in a fixed order.</summary>
    public static IReadOnlyList<string> UnsureReasons(float? margin, string baseModel, bool calibrated, CameraPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reasons = new List<string>(2);
        if (PredictionMargin.IsLow(margin, options.UnsureMargin))
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
