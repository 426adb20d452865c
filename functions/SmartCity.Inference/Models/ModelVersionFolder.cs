namespace SmartCity.Inference.Models;

/// <summary>A folder that holds one model version: <c>&lt;name&gt;/&lt;version&gt;/model.json</c> and its files.</summary>
public sealed record ModelVersionFolder(string Name, string Version, string Directory)
{
    public string Id => $"{Name}/{Version}";
}
