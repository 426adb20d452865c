namespace SmartCity.Functions.Http;

/// <summary>The answer of the health endpoints.</summary>
public sealed record HealthBody(string Status);
