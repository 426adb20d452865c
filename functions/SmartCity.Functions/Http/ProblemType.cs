namespace SmartCity.Functions.Http;

/// <summary>
/// What the API answers for one failure code (an RFC 9457 problem type): the status, the
/// title, and the <c>Retry-After</c> when waiting can help (an exception's own value wins).
/// </summary>
public sealed record ProblemType(int Status, string Title, TimeSpan? RetryAfter = null);
