using System.Text.RegularExpressions;

namespace SmartCity.Functions.Models;

/// <summary>
/// The one place that knows the blob names of the model repository container: versions in the
/// layout of <c>models/</c> (<c>&lt;model&gt;/&lt;version&gt;/model.json</c> plus files, the manifest
/// written last), and beside them what operators decide:
/// <list type="bullet">
/// <item><c>&lt;model&gt;/default</c>: the default pointer (metadata <c>version</c>, <c>previous</c>);</item>
/// <item><c>&lt;model&gt;/unloaded</c>: the model is unloaded;</item>
/// <item><c>&lt;model&gt;/&lt;version&gt;/retired</c>: the version is retired;</item>
/// <item><c>&lt;model&gt;/&lt;version&gt;/publish.json</c>: the version number is taken (metadata <c>publishid</c>), before any file is written;</item>
/// <item><c>&lt;model&gt;/history/&lt;id&gt;.json</c>: one change (who, when, what).</item>
/// </list>
/// </summary>
public static partial class ModelBlobLayout
{
    public const string DefaultPointer = "default";
    public const string UnloadedMarker = "unloaded";
    public const string RetiredMarker = "retired";
    public const string ClaimFile = "publish.json";
    public const string HistoryFolder = "history";

    /// <summary>Blob metadata keys.</summary>
    public const string VersionKey = "version";

    /// <inheritdoc cref="VersionKey"/>
    public const string PreviousKey = "previous";

    /// <inheritdoc cref="VersionKey"/>
    public const string ByKey = "by";

    /// <inheritdoc cref="VersionKey"/>
    public const string AtKey = "at";

    /// <inheritdoc cref="VersionKey"/>
    public const string ReasonKey = "reason";

    /// <inheritdoc cref="VersionKey"/>
    public const string PublishIdKey = "publishid";

    public static bool IsModelName(string? name) => name is not null && ModelName().IsMatch(name) && name != HistoryFolder;

    public static bool IsVersionName(string? version) => version is not null && VersionName().IsMatch(version) && version != HistoryFolder;

    /// <summary>A file name a published version may contain: one or more path segments, no control names.</summary>
    public static bool IsVersionFileName(string? file) =>
        file is { Length: > 0 and <= 256 }
        && file.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != ".." && !segment.Contains('\\', StringComparison.Ordinal))
        && file is not ClaimFile and not RetiredMarker;

    public static string VersionPrefix(string model, string version) => $"{model}/{version}/";

    public static string VersionFile(string model, string version, string file) => $"{model}/{version}/{file}";

    public static string DefaultPointerBlob(string model) => $"{model}/{DefaultPointer}";

    public static string Unloaded(string model) => $"{model}/{UnloadedMarker}";

    public static string Retired(string model, string version) => $"{model}/{version}/{RetiredMarker}";

    public static string Claim(string model, string version) => $"{model}/{version}/{ClaimFile}";

    public static string HistoryPrefix(string model) => $"{model}/{HistoryFolder}/";

    public static string History(string model, string id) => $"{model}/{HistoryFolder}/{id}.json";

    /// <summary>What a blob of the container is.</summary>
    public static ModelBlob Parse(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var parts = blobName.Split('/', 3);
        if (parts.Length < 2 || !IsModelName(parts[0]))
        {
            return new ModelBlob(ModelBlobKind.Other, null, null, null);
        }

        var model = parts[0];
        if (parts.Length == 2)
        {
            return parts[1] switch
            {
                DefaultPointer => new ModelBlob(ModelBlobKind.DefaultPointer, model, null, null),
                UnloadedMarker => new ModelBlob(ModelBlobKind.Unloaded, model, null, null),
                _ => new ModelBlob(ModelBlobKind.Other, model, null, null),
            };
        }

        if (parts[1] == HistoryFolder)
        {
            return new ModelBlob(ModelBlobKind.History, model, null, parts[2]);
        }

        if (!IsVersionName(parts[1]))
        {
            return new ModelBlob(ModelBlobKind.Other, model, null, null);
        }

        var kind = parts[2] switch
        {
            RetiredMarker => ModelBlobKind.Retired,
            ClaimFile => ModelBlobKind.Claim,
            _ => ModelBlobKind.VersionFile,
        };
        return new ModelBlob(kind, model, parts[1], parts[2]);
    }

    /// <summary>Blob metadata values are ASCII: text is stored escaped.</summary>
    public static string Escape(string value) => Uri.EscapeDataString(value);

    public static string? Unescape(IDictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var value) ? Uri.UnescapeDataString(value) : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionName();
}
