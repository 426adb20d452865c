namespace SmartCity.Functions.Http.Repository;

/// <summary>The answer of a publish: the version it got, whether this request created it (false for a retried idempotent one), and whether it is the default.</summary>
public sealed record PublishedVersionBody(string Model, string Version, bool Created, bool IsDefault, string State, string? Reason);
