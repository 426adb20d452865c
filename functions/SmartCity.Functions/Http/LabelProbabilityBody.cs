namespace SmartCity.Functions.Http;

/// <summary>A label and its probability, in a prediction answer.</summary>
public sealed record LabelProbabilityBody(string Label, float Probability);
