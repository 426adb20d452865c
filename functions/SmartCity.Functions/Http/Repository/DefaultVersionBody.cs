namespace SmartCity.Functions.Http.Repository;

/// <summary>The default version of a model after a change, and the version it replaced.</summary>
public sealed record DefaultVersionBody(string Model, string DefaultVersion, string? PreviousDefault);
