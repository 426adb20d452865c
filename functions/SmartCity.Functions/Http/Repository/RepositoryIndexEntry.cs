namespace SmartCity.Functions.Http.Repository;

/// <summary>One entry of Triton's repository index: a model version, <c>READY</c> or <c>UNAVAILABLE</c>, and why not.</summary>
public sealed record RepositoryIndexEntry(string Name, string Version, string State, string? Reason);
