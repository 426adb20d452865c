namespace SmartCity.Functions.Http;

/// <summary>
/// One image's answer: <see cref="Predictions"/> for classifiers and object detectors (whose
/// predictions each have a box), <see cref="Embedding"/> for embedding models (the other is left
/// out). <see cref="Estimates"/> gives the one value of each head of kind <c>estimate</c> by head name
/// (traffic-scene's <c>vehicles</c>: the share of the frame's tiles showing vehicles, 0 to 1), left out when
/// the model has none. <see cref="Heads"/> gives the top labels of every further classification head
/// of a model with several (traffic-scene's <c>lighting</c>; the primary head's are <see cref="Predictions"/>),
/// left out for a model with one. <see cref="Confidence"/>, <see cref="UnsureReasons"/> and <see cref="Margin"/> are there
/// when the primary head is a classifier: the camera pipeline's rule (<c>Camera__UnsureMargin</c>,
/// <c>Camera__CalibratedModels</c>), so an answer over HTTP is as honest as a stored camera result.
/// <see cref="Name"/> is the multipart file or part name. <see cref="Explanation"/> is there
/// when it was asked for (<c>?explain=true</c>, or the explain route).
/// </summary>
public sealed record ImagePredictionBody(
    string? Name,
    int Width,
    int Height,
    IReadOnlyList<LabelProbabilityBody>? Predictions,
    float[]? Embedding,
    IReadOnlyDictionary<string, float>? Estimates,
    TimingsBody Timings,
    ExplanationBody? Explanation = null,
    string? Confidence = null,
    IReadOnlyList<string>? UnsureReasons = null,
    float? Margin = null)
{
    public IReadOnlyList<HeadAnswerBody>? Heads { get; init; }
}
