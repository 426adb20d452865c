namespace SmartCity.Functions.Models;

/// <summary>The outcome of a publish.</summary>
/// <param name="Created">False when the publish id had published this version before (a retry): nothing was written again.</param>
/// <param name="IsDefault">Whether the version is the model's default once published.</param>
public sealed record PublishedVersion(string Model, string Version, bool Created, bool IsDefault);
