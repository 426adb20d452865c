namespace SmartCity.Functions.Http.CustomVision;

/// <summary>The spec's <c>ImageUrl</c> body of the <c>/url</c> routes: <c>{"url": "..."}</c> (the SDKs send <c>url</c>; read case-insensitively).</summary>
public sealed record CustomVisionImageUrl(string? Url);
