namespace SmartCity.Functions.Http;

/// <summary>
/// A failure of the request itself (size, content type, malformed body or query), raised by
/// the HTTP layer and mapped to its status by <see cref="ProblemMapping"/>.
/// </summary>
public sealed class HttpApiException(int status, string code, string title, string detail, TimeSpan? retryAfter = null) : Exception(detail)
{
    public int Status { get; } = status;

    /// <summary>Sent as <c>Retry-After</c> when set (503 answers).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Stable problem code, the last segment of the problem <c>type</c>.</summary>
    public string Code { get; } = code;

    public string Title { get; } = title;

    public static HttpApiException BadRequest(string code, string detail) => new(400, code, "The request is malformed.", detail);

    public static HttpApiException PayloadTooLarge(long limit) =>
        new(413, "payload-too-large", "The request body is too large.", $"The body is over the limit of {limit} bytes (setting Http:MaxBodyBytes).");

    public static HttpApiException InvalidQuery(string parameter, string detail) =>
        new(400, "invalid-query", "A query parameter is invalid.", $"Query parameter '{parameter}' {detail}");

    public static HttpApiException NotReady(string reason, TimeSpan retryAfter) =>
        new(503, "not-ready", "The server is not ready.", reason, retryAfter);

    public static HttpApiException UnsupportedMediaType(string? contentType, string accepted) =>
        new(415, "unsupported-media-type", "The content type is not supported.", $"Content-Type '{contentType ?? "(none)"}' is not supported; send {accepted}.");
}

/// <summary>An image inside a multi-image request failed; the message says which one.</summary>
public sealed class ImagePartException(int index, string? name, SmartCity.Inference.InferenceException inner)
    : Exception($"Image {index}{(name is null ? string.Empty : $" ('{name}')")}: {inner.Message}", inner)
{
    public int Index { get; } = index;

    public SmartCity.Inference.InferenceException Inner { get; } = inner;
}
