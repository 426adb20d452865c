namespace SmartCity.Functions.Http.Repository;

/// <summary>The answer of a retire: the version and its state now (<c>UNAVAILABLE</c>, retired).</summary>
public sealed record RetiredVersionBody(string Model, string Version, string State, string? Reason);
