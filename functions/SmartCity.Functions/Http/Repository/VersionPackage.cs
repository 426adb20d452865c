namespace SmartCity.Functions.Http.Repository;

/// <summary>An uploaded version: its files by name, whether to make it the default, why, and the caller's idempotency key.</summary>
public sealed record VersionPackage(IReadOnlyDictionary<string, byte[]> Files, bool Promote, string? Reason, string? IdempotencyKey);
