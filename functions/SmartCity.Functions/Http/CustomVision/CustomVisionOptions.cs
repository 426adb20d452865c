using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SmartCity.Inference;

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
    private const string Host = @"\s*(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\s*|\s*\[?::1\]?\s*";

    /// <summary>The host names that are loopback entries: listed, they let <c>/url</c> calls reach this machine over http (local development).</summary>
    public static readonly IReadOnlySet<string> LoopbackHosts = new HashSet<string>(["localhost", "127.0.0.1", "::1"], StringComparer.OrdinalIgnoreCase);

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

    /// <summary>
    /// Hosts the <c>/url</c> routes may fetch images from, separated by <c>;</c>: a host name
    /// (<c>images.city.example</c>), or <c>*.</c> and a domain for any host under it
    /// (<c>*.blob.core.windows.net</c>). Only https, and only to public addresses; the loopback entries
    /// <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c> allow http to this machine for local
    /// development. Empty (the default): every <c>/url</c> call answers 403.
    /// </summary>
    [RegularExpression("^((" + Host + ")(;(" + Host + "))*)?$", ErrorMessage = "CustomVision:UrlAllowedHosts must be host names (or '*.' and a domain, or localhost, 127.0.0.1, ::1) separated by ';', without scheme, port or path.")]
    public string UrlAllowedHosts { get; set; } = string.Empty;

    /// <summary>Seconds a <c>/url</c> call may take to fetch its image (every redirect and the whole body), 1 to 60.</summary>
    [SettingRange(1, 60, ErrorMessage = "CustomVision:UrlTimeoutSeconds must be between {1} and {2}.")]
    public int UrlTimeoutSeconds { get; set; } = 10;

    /// <summary>The parsed <see cref="UrlAllowedHosts"/>, IPv6 without brackets.</summary>
    public IReadOnlyList<string> UrlHostList =>
        [.. UrlAllowedHosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(h => h.Trim('[', ']'))];

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
