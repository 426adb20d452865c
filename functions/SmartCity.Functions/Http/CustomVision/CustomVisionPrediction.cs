namespace SmartCity.Functions.Http.CustomVision;

/// <summary>The spec's <c>Prediction</c>; <see cref="BoundingBox"/> only for detection (left out otherwise, as the service does).</summary>
public sealed record CustomVisionPrediction(float Probability, Guid TagId, string TagName, CustomVisionBoundingBox? BoundingBox);
