using System.ComponentModel.DataAnnotations;

namespace SmartCity.Functions.Models;

/// <summary>The model repository in Blob Storage, bound from the <c>ModelRepository</c> section.</summary>
public sealed class ModelRepositoryOptions
{
    public const string Section = "ModelRepository";

    /// <summary>The container of the <c>ModelStorage</c> account that holds the published versions.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "ModelRepository:Container must be a blob container name: 3-63 lowercase letters, digits and single hyphens.")]
    public string Container { get; set; } = "models";

    /// <summary>Where downloaded versions are cached; empty for <c>smartcity-models</c> in the temp folder (the package is read-only in Azure).</summary>
    public string? CachePath { get; set; }

    public string ResolvedCachePath => string.IsNullOrWhiteSpace(CachePath)
        ? Path.Combine(Path.GetTempPath(), "smartcity-models")
        : CachePath;
}
