namespace SmartCity.Functions.Http;

/// <summary>A label and its probability, in a prediction answer; an object detector's also has its <see cref="Box"/>.</summary>
public sealed record LabelProbabilityBody(string Label, float Probability, BoxBody? Box = null);
