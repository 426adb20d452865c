namespace SmartCity.Functions.Http;

/// <summary>RFC 9457 problem details.</summary>
public sealed record ProblemDetailsBody(string Type, string Title, int Status, string Detail, string? Instance);
