namespace SmartCity.Functions.Http;

/// <summary>
/// A training example near the explained image: its opaque <see cref="Id"/>, its label under the
/// head, the cosine <see cref="Similarity"/> of the embeddings, whether its label is the predicted
/// one, and <see cref="Image"/> (a file or blob name) only when the model card allows images to be shown.
/// </summary>
public sealed record NearestExampleBody(string Id, string Label, float Similarity, bool AgreesWithPrediction, string? Image);
