namespace SmartCity.Inference.Explaining;

/// <summary>A training example near the explained image: what the model compares the picture to.</summary>
/// <param name="Id">The example's opaque id in the model's example index (e.g. its file or blob name).</param>
/// <param name="Label">The example's label under the explained head.</param>
/// <param name="Similarity">Cosine similarity of the example's embedding to the image's (-1 to 1).</param>
/// <param name="AgreesWithPrediction">Whether <paramref name="Label"/> is the head's predicted (top) label.</param>
/// <param name="Image">A reference to the example's image (file or blob name), only when the model card allows images to be shown; never pixels.</param>
public sealed record NearestExample(string Id, string Label, float Similarity, bool AgreesWithPrediction, string? Image);
