namespace SmartCity.Inference.Runtime;

/// <summary>One object found in an image: its class (index and label), its score and its box.</summary>
public sealed record Detection(string Label, int ClassIndex, float Probability, BoundingBox Box);
