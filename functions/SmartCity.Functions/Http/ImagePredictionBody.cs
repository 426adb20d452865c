namespace SmartCity.Functions.Http;

/// <summary>
/// One image's answer: <see cref="Predictions"/> for classifiers and object detectors (whose
/// predictions each have a box), <see cref="Embedding"/> for embedding models (the other is left
/// out). <see cref="Name"/> is the multipart file or part name. <see cref="Explanation"/> is there
/// when it was asked for (<c>?explain=true</c>, or the explain route).
/// </summary>
public sealed record ImagePredictionBody(
    string? Name,
    int Width,
    int Height,
    IReadOnlyList<LabelProbabilityBody>? Predictions,
    float[]? Embedding,
    TimingsBody Timings,
    ExplanationBody? Explanation = null);
