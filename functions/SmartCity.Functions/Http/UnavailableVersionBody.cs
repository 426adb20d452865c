namespace SmartCity.Functions.Http;

/// <summary>A version of a model that is not served, and why (failed to load, retired, unloaded).</summary>
public sealed record UnavailableVersionBody(string Version, string? Reason);
