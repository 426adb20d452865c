namespace SmartCity.Inference.Models;

/// <summary>One entry of the repository index: a version, whether it is served, why not, and where it comes from.</summary>
/// <param name="Source">"bundled" for the folder shipped with the app, else the external source's description.</param>
public sealed record ModelVersionState(string Name, string Version, ModelAvailability State, string? Reason, string Source)
{
    public const string Bundled = "bundled";

    public string Id => $"{Name}/{Version}";
}
