namespace SmartCity.Functions.Models;

/// <summary>How to publish a version: who asks, why, whether it becomes the default, and the id that makes a retry harmless.</summary>
/// <param name="PublishId">The same id publishes at most one version, however often the publish is retried.</param>
public sealed record PublishRequest(string PublishId, string Actor, bool Promote, string? Reason);
