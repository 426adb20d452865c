namespace SmartCity.Inference.Runtime;

/// <summary>A label and its probability.</summary>
public readonly record struct LabelProbability(string Label, float Probability);
