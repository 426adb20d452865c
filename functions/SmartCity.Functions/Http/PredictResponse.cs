namespace SmartCity.Functions.Http;

/// <summary>The answer of <c>POST /api/models/{model}/predict</c>: one entry per image, in request order.</summary>
public sealed record PredictResponse(string Model, string Version, IReadOnlyList<ImagePredictionBody> Images);
