namespace SmartCity.Functions.Http.CustomVision;

/// <summary>The spec's <c>ImagePrediction</c>; <see cref="Created"/> is UTC in ISO 8601 (<c>2019-03-06T02:15:00Z</c>).</summary>
public sealed record CustomVisionImagePrediction(Guid Id, Guid Project, Guid Iteration, string Created, IReadOnlyList<CustomVisionPrediction> Predictions);
