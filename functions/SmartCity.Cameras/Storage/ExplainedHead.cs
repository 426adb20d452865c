namespace SmartCity.Cameras.Storage;

/// <summary>One head's occlusion map in a camera explanation: probability drop per cell (row-major) and the overlay PNG, base64.</summary>
public sealed record ExplainedHead(string Head, string Label, float Probability, float[] Scores, string Png, int PngWidth, int PngHeight);
