namespace SmartCity.Inference.Models;

/// <summary>A version an external source holds.</summary>
/// <param name="Fingerprint">Changes whenever any of the version's files changes (for a blob source, their ETags), so a cached copy can be reused safely.</param>
public sealed record ModelSourceVersion(string Name, string Version, string Fingerprint)
{
    public string Id => $"{Name}/{Version}";
}
