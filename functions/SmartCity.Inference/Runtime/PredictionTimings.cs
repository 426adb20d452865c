namespace SmartCity.Inference.Runtime;

/// <summary>Where time went for one prediction, in milliseconds.</summary>
public readonly record struct PredictionTimings(double DecodeMs, double ResizeMs, double QueueMs, double InferenceMs, double PostprocessMs, int BatchSize)
{
    public double TotalMs => DecodeMs + ResizeMs + QueueMs + InferenceMs + PostprocessMs;
}
