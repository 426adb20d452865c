using System.ComponentModel.DataAnnotations;

using SmartCity.Inference;

namespace SmartCity.Cameras;

/// <summary>
/// Settings of the camera upload pipeline, bound from the <c>Camera</c> section, plus the
/// images container, which the blob trigger also reads and so is the flat setting
/// <c>CameraImagesContainer</c>.
/// </summary>
public sealed class CameraPipelineOptions : IValidatableObject
{
    public const string Section = "Camera";

    /// <summary>The flat setting the trigger path reads as <c>%CameraImagesContainer%</c>.</summary>
    public const string ImagesContainerSetting = "CameraImagesContainer";

    private const string ContainerNamePattern = "^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$";

    /// <summary>Container cameras upload to (setting <c>CameraImagesContainer</c>).</summary>
    [Required(ErrorMessage = "CameraImagesContainer is required (a blob container name).")]
    [RegularExpression(ContainerNamePattern, ErrorMessage = "CameraImagesContainer must be a blob container name (3-63 lowercase letters, digits and single hyphens).")]
    public string ImagesContainer { get; set; } = string.Empty;

    /// <summary>Container of the classification documents, <c>{cameraId}/{name}.json</c>.</summary>
    [Required(ErrorMessage = "Camera:ResultsContainer is required (a blob container name).")]
    [RegularExpression(ContainerNamePattern, ErrorMessage = "Camera:ResultsContainer must be a blob container name (3-63 lowercase letters, digits and single hyphens).")]
    public string ResultsContainer { get; set; } = "classifications";

    /// <summary>Container of the rejection records of unreadable uploads, <c>{cameraId}/{name}.json</c>.</summary>
    [Required(ErrorMessage = "Camera:RejectedContainer is required (a blob container name).")]
    [RegularExpression(ContainerNamePattern, ErrorMessage = "Camera:RejectedContainer must be a blob container name (3-63 lowercase letters, digits and single hyphens).")]
    public string RejectedContainer { get; set; } = "rejected";

    /// <summary>Table of the queryable results: one entity per upload and model.</summary>
    [Required(ErrorMessage = "Camera:TableName is required.")]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Camera:TableName must be 3-63 letters and digits, starting with a letter.")]
    public string TableName { get; set; } = "classifications";

    /// <summary>Comma-separated models an upload runs through when no <see cref="ModelRoutes"/> prefix matches.</summary>
    [Required(ErrorMessage = "Camera:Models must name at least one model (comma-separated).")]
    [RegularExpression(@"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*$", ErrorMessage = "Camera:Models must be a comma-separated list of model names made of letters, digits, '-', '_' or '.'.")]
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
    [SettingRange(0.0, 1.0, ErrorMessage = "Camera:StaleDistanceThreshold must be between {1} and {2}.")]
    public double StaleDistanceThreshold { get; set; } = FrozenFeedDetector.DefaultDistanceThreshold;

    /// <summary>Largest upload read, in bytes; bigger ones are rejected without being downloaded.</summary>
    [SettingRange(1d, 268_435_456d, ErrorMessage = "Camera:MaxImageBytes must be between {1} and {2}.")]
    public long MaxImageBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Labels kept per model in the document and the table (most probable first).</summary>
    [SettingRange(1, 100, ErrorMessage = "Camera:TopLabels must be between {1} and {2}.")]
    public int TopLabels { get; set; } = 5;

    /// <summary>
    /// Results whose top probability (of the model's primary head) is below this get an occlusion
    /// explanation stored beside their document; 0 (default) never. Each costs <c>Inference:ExplainGrid</c>² + 1 model items.
    /// </summary>
    [SettingRange(0.0, 1.0, ErrorMessage = "Camera:ExplainBelowProbability must be between {1} and {2}.")]
    public double ExplainBelowProbability { get; set; }

    /// <summary>Comma-separated labels: results whose top label is one of them get an explanation too. Empty (default): none.</summary>
    public string ExplainLabels { get; set; } = string.Empty;

    /// <summary>
    /// A result whose primary head's top probability exceeds the second's by less than this is
    /// <c>unsure</c> (reason <c>low-margin</c>); 0 never. A detector's results have no margin.
    /// </summary>
    [SettingRange(0.0, 1.0, ErrorMessage = "Camera:UnsureMargin must be between {1} and {2}.")]
    public double UnsureMargin { get; set; } = CameraConfidence.DefaultUnsureMargin;

    /// <summary>
    /// Comma-separated models that expect a calibrated model per camera
    /// (<see cref="CameraModelRouting.CameraModelName"/>): a camera without one is answered by the
    /// base model and its result is <c>unsure</c> (reason <c>uncalibrated-camera</c>). Default <c>traffic-scene</c>:
    /// on a camera it was not trained on, its congestion is little better than always answering free. Empty: none.
    /// </summary>
    [RegularExpression(@"^\s*([A-Za-z0-9][A-Za-z0-9._-]*\s*(,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*)?$", ErrorMessage = "Camera:CalibratedModels must be empty or a comma-separated list of model names made of letters, digits, '-', '_' or '.'.")]
    public string CalibratedModels { get; set; } = "traffic-scene";

    public IReadOnlyList<string> CalibratedModelNames =>
        CalibratedModels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> ExplainLabelNames =>
        ExplainLabels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Why a result with this top label and probability is explained, or null when it is not.</summary>
    public string? ExplainReason(string label, float probability)
    {
        if (probability < ExplainBelowProbability)
        {
            return $"top probability {probability.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} is below Camera:ExplainBelowProbability";
        }

        return ExplainLabelNames.Contains(label, StringComparer.Ordinal) ? $"top label '{label}' is in Camera:ExplainLabels" : null;
    }

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

    /// <summary>What the attributes cannot say: the routes parse, and results never land where uploads trigger the pipeline.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        IReadOnlyList<(string Prefix, IReadOnlyList<string> Models)> routes = [];
        string? malformed = null;
        try
        {
            routes = Routes;
        }
        catch (FormatException ex)
        {
            malformed = ex.Message;
        }

        if (malformed is not null)
        {
            yield return new ValidationResult($"{Section}:ModelRoutes must be 'prefix=model[+model...]' entries separated by ';': {malformed}.", [nameof(ModelRoutes)]);
        }

        if (routes.SelectMany(r => r.Models).Any(m => !IsModelName(m)))
        {
            yield return new ValidationResult($"{Section}:ModelRoutes must name models made of letters, digits, '-', '_' or '.'; got '{ModelRoutes}'.", [nameof(ModelRoutes)]);
        }

        if (string.Equals(ImagesContainer, ResultsContainer, StringComparison.Ordinal) || string.Equals(ImagesContainer, RejectedContainer, StringComparison.Ordinal))
        {
            yield return new ValidationResult($"{ImagesContainerSetting} must differ from {Section}:ResultsContainer and {Section}:RejectedContainer, or results would trigger the pipeline.", [nameof(ImagesContainer)]);
        }
    }

    private static bool IsModelName(string name) =>
        name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
