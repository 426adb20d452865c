namespace SmartCity.Functions.Http;

/// <summary>An object detector's box, as fractions of the image's width and height (0 to 1).</summary>
public sealed record BoxBody(float Left, float Top, float Width, float Height);
