namespace SmartCity.Functions.Http.CustomVision;

/// <summary>The spec's <c>BoundingBox</c>: fractions of the image's width and height.</summary>
public sealed record CustomVisionBoundingBox(float Left, float Top, float Width, float Height);
