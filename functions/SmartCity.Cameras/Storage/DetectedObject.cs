namespace SmartCity.Cameras.Storage;

/// <summary>One object a detector found: its label, probability and box as fractions of the image (left, top, width, height).</summary>
public sealed record DetectedObject(string Label, float Probability, float Left, float Top, float Width, float Height);
