using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SmartCity.Inference.Cameras;

/// <summary>
/// Settings of the camera upload pipeline, bound from the <c>Camera</c> section, plus the
/// images container, which the blob trigger also reads and so is the flat setting
/// <c>CameraImagesContainer</c>.
/// </summary>
public sealed class CameraPipelineOptions
{
    public const string Section = "Camera";

    /// <summary>The flat setting the trigger path reads as <c>%CameraImagesContainer%</c>.</summary>
    public const string ImagesContainerSetting = "CameraImagesContainer";

    /// <summary>Container cameras upload to (setting <c>CameraImagesContainer</c>).</summary>
    public string ImagesContainer { get; set; } = string.Empty;

    /// <summary>Container of the classification documents, <c>{cameraId}/{name}.json</c>.</summary>
    public string ResultsContainer { get; set; } = "classifications";

    /// <summary>Container of the rejection records of unreadable uploads, <c>{cameraId}/{name}.json</c>.</summary>
    public string RejectedContainer { get; set; } = "rejected";

    /// <summary>Table of the queryable results: one entity per upload and model.</summary>
    public string TableName { get; set; } = "classifications";

    /// <summary>Comma-separated models an upload runs through when no <see cref="ModelRoutes"/> prefix matches.</summary>
    public string Models { get; set; } = "vehicle-type";

    /// <summary>
    /// Models per path prefix, matched against <c>{cameraId}/{name}</c> (longest prefix wins):
    /// <c>prefix=model+model;prefix=model</c>, e.g. <c>frames-=traffic-scene;edge-=vehicle-type</c>.
    /// Empty: every upload runs <see cref="Models"/>.
    /// </summary>
    public string ModelRoutes { get; set; } = string.Empty;

    /// <summary>
    /// Cosine distance of frame embeddings at or below which a frame counts as a repeat of the
    /// camera's previous picture (frozen feed). Byte-identical frames are always repeats.
    /// </summary>
    public double StaleDistanceThreshold { get; set; } = FrozenFeedDetector.DefaultDistanceThreshold;

    /// <summary>Largest upload read, in bytes; bigger ones are rejected without being downloaded.</summary>
    public long MaxImageBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Labels kept per model in the document and the table (most probable first).</summary>
    public int TopLabels { get; set; } = 5;

    public IReadOnlyList<string> ModelNames =>
        Models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The parsed <see cref="ModelRoutes"/>, longest prefix first. Throws <see cref="FormatException"/> when malformed.</summary>
    public IReadOnlyList<(string Prefix, IReadOnlyList<string> Models)> Routes =>
    [
        .. ModelRoutes.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(route =>
            {
                var parts = route.Split('=', 2, StringSplitOptions.TrimEntries);
                var models = parts.Length == 2 ? parts[1].Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
                return parts.Length == 2 && parts[0].Length > 0 && models.Length > 0
                    ? (parts[0], (IReadOnlyList<string>)models)
                    : throw new FormatException($"'{route}' is not prefix=model[+model...]");
            })
            .OrderByDescending(r => r.Item1.Length),
    ];

    /// <summary>The models an upload at <c>{cameraId}/{name}</c> runs through.</summary>
    public IReadOnlyList<string> ModelsFor(string cameraId, string name)
    {
        var path = $"{cameraId}/{name}";
        foreach (var (prefix, models) in Routes)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return models;
            }
        }

        return ModelNames;
    }
}

/// <summary>Checks the camera settings at start; every message names the key to fix.</summary>
public sealed partial class CameraPipelineOptionsValidator : IValidateOptions<CameraPipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, CameraPipelineOptions options)
    {
        var failures = new List<string>();
        CheckContainer(failures, CameraPipelineOptions.ImagesContainerSetting, options.ImagesContainer);
        CheckContainer(failures, $"{CameraPipelineOptions.Section}:ResultsContainer", options.ResultsContainer);
        CheckContainer(failures, $"{CameraPipelineOptions.Section}:RejectedContainer", options.RejectedContainer);
        if (!TableName().IsMatch(options.TableName ?? string.Empty))
        {
            failures.Add($"{CameraPipelineOptions.Section}:TableName must be 3-63 letters and digits, starting with a letter; got '{options.TableName}'.");
        }

        if (options.ModelNames.Count == 0)
        {
            failures.Add($"{CameraPipelineOptions.Section}:Models must name at least one model (comma-separated).");
        }
        else if (options.ModelNames.Any(m => !ModelName().IsMatch(m)))
        {
            failures.Add($"{CameraPipelineOptions.Section}:Models must be model names made of letters, digits, '-', '_' or '.'; got '{options.Models}'.");
        }

        try
        {
            var routed = options.Routes.SelectMany(r => r.Models).ToList();
            if (routed.Any(m => !ModelName().IsMatch(m)))
            {
                failures.Add($"{CameraPipelineOptions.Section}:ModelRoutes must name models made of letters, digits, '-', '_' or '.'; got '{options.ModelRoutes}'.");
            }
        }
        catch (FormatException ex)
        {
            failures.Add($"{CameraPipelineOptions.Section}:ModelRoutes must be 'prefix=model[+model...]' entries separated by ';': {ex.Message}.");
        }

        if (options.StaleDistanceThreshold is < 0 or > 1 || double.IsNaN(options.StaleDistanceThreshold))
        {
            failures.Add($"{CameraPipelineOptions.Section}:StaleDistanceThreshold must be between 0 and 1; got {options.StaleDistanceThreshold}.");
        }

        if (options.MaxImageBytes is < 1 or > 256L * 1024 * 1024)
        {
            failures.Add($"{CameraPipelineOptions.Section}:MaxImageBytes must be between 1 and 268435456; got {options.MaxImageBytes}.");
        }

        if (options.TopLabels is < 1 or > 100)
        {
            failures.Add($"{CameraPipelineOptions.Section}:TopLabels must be between 1 and 100; got {options.TopLabels}.");
        }

        if (string.Equals(options.ImagesContainer, options.ResultsContainer, StringComparison.Ordinal)
            || string.Equals(options.ImagesContainer, options.RejectedContainer, StringComparison.Ordinal))
        {
            failures.Add($"{CameraPipelineOptions.ImagesContainerSetting} must differ from {CameraPipelineOptions.Section}:ResultsContainer and {CameraPipelineOptions.Section}:RejectedContainer, or results would trigger the pipeline.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckContainer(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is required (a blob container name).");
        }
        else if (!ContainerName().IsMatch(value) || value.Contains("--", StringComparison.Ordinal))
        {
            failures.Add($"{key} must be a blob container name (3-63 lowercase letters, digits and single hyphens); got '{value}'.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelName();
}
