namespace SmartCity.Functions.Http;

/// <summary>
/// One image's answer: <see cref="Predictions"/> for classifiers and object detectors (whose
/// predictions each have a box), <see cref="Embedding"/> for embedding models (the other is left out). <see cref="Name"/> is the multipart file or part name.
/// </summary>
public sealed record ImagePredictionBody(
    string? Name,
    int Width,
    int Height,
    IReadOnlyList<LabelProbabilityBody>? Predictions,
    float[]? Embedding,
    TimingsBody Timings);
