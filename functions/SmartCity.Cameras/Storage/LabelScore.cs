namespace SmartCity.Cameras.Storage;

/// <summary>A label and its probability.</summary>
public sealed record LabelScore(string Label, float Probability);
