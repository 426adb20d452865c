using SmartCity.Inference.Runtime;

namespace SmartCity.Cli.Classify;

/// <summary>The answer for one image: its prediction, or the reason it has none; and how long it took.</summary>
internal sealed record ClassifiedImage(string File, Prediction? Prediction, string? Error, double Milliseconds);
