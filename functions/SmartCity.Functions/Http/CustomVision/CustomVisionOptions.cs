using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>
/// Settings of the Custom Vision prediction API (<c>CustomVision</c> section): which model and
/// version answer each Custom Vision project and published iteration, and the prediction keys
/// callers send as <c>Prediction-Key</c>, held only as SHA-256 hashes.
/// </summary>
public sealed class CustomVisionOptions
{
    public const string Section = "CustomVision";

    private const string Guid = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
    private const string Project = @"\s*" + Guid + "/[A-Za-z0-9._-]+=[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9._-]+)?\\s*";
    private const string Hash = @"\s*[0-9A-Fa-f]{64}\s*";

    /// <summary>
    /// <c>projectId/publishedName=model[@version]</c> entries separated by <c>;</c>, e.g.
    /// <c>64b822c5-8082-4b36-a426-27225f4aa18c/Iteration3=parking-detector@2</c>. Without a version
    /// the model's highest version answers. Empty: every Custom Vision route answers 404.
    /// </summary>
    [RegularExpression("^(" + Project + "(;" + Project + ")*)?$", ErrorMessage = "CustomVision:Projects must be 'projectId/publishedName=model[@version]' entries separated by ';' (projectId a GUID; names of letters, digits, '.', '_' or '-').")]
    public string Projects { get; set; } = string.Empty;

    /// <summary>
    /// SHA-256 hashes (64 hex digits) of the accepted <c>Prediction-Key</c> values, separated by
    /// <c>;</c> (one per client, so one can be revoked alone). Empty: every request is refused (401).
    /// </summary>
    [RegularExpression("^(" + Hash + "(;" + Hash + ")*)?$", ErrorMessage = "CustomVision:PredictionKeySha256 must be SHA-256 hashes of 64 hexadecimal digits separated by ';'.")]
    public string PredictionKeySha256 { get; set; } = string.Empty;

    /// <summary>The parsed <see cref="Projects"/>.</summary>
    public IReadOnlyList<CustomVisionProject> ProjectList =>
    [
        .. Projects.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            var slash = entry.IndexOf('/', StringComparison.Ordinal);
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var target = entry[(equals + 1)..];
            var at = target.IndexOf('@', StringComparison.Ordinal);
            return new CustomVisionProject(
                System.Guid.Parse(entry[..slash], CultureInfo.InvariantCulture),
                entry[(slash + 1)..equals],
                at < 0 ? target : target[..at],
                at < 0 ? null : target[(at + 1)..]);
        }),
    ];

    /// <summary>The parsed <see cref="PredictionKeySha256"/>, as bytes.</summary>
    public IReadOnlyList<byte[]> KeyHashes =>
        [.. PredictionKeySha256.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Convert.FromHexString)];
}
