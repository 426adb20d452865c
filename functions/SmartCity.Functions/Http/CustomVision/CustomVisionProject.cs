namespace SmartCity.Functions.Http.CustomVision;

/// <summary>One entry of <c>CustomVision:Projects</c>: the Custom Vision project and published iteration, and the model (and version, or null for the highest) that answers them.</summary>
public sealed record CustomVisionProject(Guid ProjectId, string PublishedName, string Model, string? Version);
