using System.Collections.Frozen;
using System.Security.Cryptography;

namespace SmartCity.Functions.Dashboard;

/// <summary>
/// The dashboard's static files, embedded in the assembly (<c>Dashboard/wwwroot</c>), read once.
/// A request can only ever name one of these: the lookup is by exact name, so no path a caller
/// sends (<c>..</c>, <c>%2e%2e</c>, a backslash, an absolute path) reaches the file system.
/// </summary>
public static class DashboardFiles
{
    public const string ResourcePrefix = "SmartCity.Functions.Dashboard/";

    public const string IndexFile = "index.html";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, DashboardFile>> Files = new(Load);

    /// <summary>Every file by its name relative to <c>wwwroot</c> (forward slashes).</summary>
    public static IReadOnlyDictionary<string, DashboardFile> All => Files.Value;

    /// <summary>The file at <paramref name="path"/> (empty or null: the index page), or null when there is none.</summary>
    public static DashboardFile? Find(string? path) =>
        Files.Value.GetValueOrDefault(string.IsNullOrEmpty(path) ? IndexFile : path);

    private static FrozenDictionary<string, DashboardFile> Load()
    {
        var assembly = typeof(DashboardFiles).Assembly;
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..].Replace('\\', '/');
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                throw new InvalidOperationException($"The dashboard file {name} has a type the dashboard does not serve; add it to {nameof(DashboardFiles)}.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"";
            files[name] = new DashboardFile(name, bytes, contentType, etag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

/// <summary>One static file of the dashboard: its bytes, content type and strong ETag (a hash of the bytes).</summary>
public sealed record DashboardFile(string Name, byte[] Content, string ContentType, string ETag);
