using SmartCity.Inference;

namespace SmartCity.Functions.Http;

/// <summary>
/// A failure of the request itself (size, content type, malformed body or query), raised by the
/// HTTP layer. Like every failure of the engine it is an <see cref="InferenceException"/> with a
/// stable code, and <see cref="ProblemMapping"/> answers it from that code.
/// </summary>
public sealed class HttpApiException(string code, string detail, TimeSpan? retryAfter = null) : InferenceException(code, detail)
{
    /// <summary>Sent as <c>Retry-After</c> when set (503 answers).</summary>
    public override TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>A malformed body; <paramref name="code"/> says how (<c>malformed-json</c>, <c>bad-base64</c>, ...).</summary>
    public static HttpApiException BadRequest(string code, string detail) => new(code, detail);

    public static HttpApiException PayloadTooLarge(long limit) =>
        new("payload-too-large", $"The body is over the limit of {limit} bytes (setting Http:MaxBodyBytes).");

    /// <summary>More images (or tensor items) than <see cref="HttpApiOptions.MaxImagesPerRequest"/>; <paramref name="count"/> when known.</summary>
    public static HttpApiException TooManyImages(int limit, long? count = null) =>
        new("too-many-images", $"The request has {(count is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "more")} images, over the limit of {limit} per request (setting Http:MaxImagesPerRequest); send them in several requests.");

    public static HttpApiException InvalidQuery(string parameter, string detail) =>
        new("invalid-query", $"Query parameter '{parameter}' {detail}");

    public static HttpApiException NotReady(string reason, TimeSpan retryAfter) =>
        new("not-ready", reason, retryAfter);

    public static HttpApiException UnsupportedMediaType(string? contentType, string accepted) =>
        new("unsupported-media-type", $"Content-Type '{contentType ?? "(none)"}' is not supported; send {accepted}.");

    public static HttpApiException TooManyImages(int count, int limit, string why) =>
        new("too-many-images", $"The request has {count} images; {why} takes at most {limit} (setting Http:MaxExplainImages).");

    public static HttpApiException NotAcceptable(string detail) => new("not-acceptable", detail);
}
