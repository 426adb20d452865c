using System.Text.RegularExpressions;

namespace SmartCity.Cameras;

/// <summary>
/// Checks what the Event Grid blob webhook hands over. It does not filter: events for other
/// containers or paths arrive with null binding values. Only <c>{ImagesContainer}/{cameraId}/{name}</c>
/// with a sane camera id and name is accepted, so no result is ever written under a null path,
/// nor under one that a URI resolves elsewhere: a <c>.</c> or <c>..</c> segment
/// (<c>cam-1/../x.jpg</c>) is refused, because <see cref="System.Uri"/> (and so every SDK
/// client) removes it, and the document of <c>cam-1/../x.jpg</c> would land at <c>x.jpg.json</c>.
/// </summary>
public static partial class CameraBlobPath
{
    /// <summary>Null when the upload is one to classify; otherwise why it is ignored.</summary>
    public static string? Validate(string expectedContainer, string? container, string? blobName, string? cameraId, string? name)
    {
        if (!string.Equals(container, expectedContainer, StringComparison.Ordinal))
        {
            return $"the blob is in container '{container}', not '{expectedContainer}'";
        }

        if (string.IsNullOrWhiteSpace(cameraId) || string.IsNullOrWhiteSpace(name))
        {
            return "the path is not {cameraId}/{name}";
        }

        if (!CameraId().IsMatch(cameraId))
        {
            return "the camera id is not 1-64 letters, digits, '-', '_' or '.'";
        }

        if (name.Length > 900 || name.Any(char.IsControl) || name.Contains('\\', StringComparison.Ordinal) || name.EndsWith('/'))
        {
            return "the blob name is too long or holds control characters or backslashes";
        }

        if (name.Split('/').Any(segment => segment is "." or ".."))
        {
            return "the blob name has '.' or '..' segments, which a URI resolves to another path";
        }

        if (blobName is not null && !string.Equals(blobName, $"{cameraId}/{name}", StringComparison.Ordinal))
        {
            return "the blob name does not match {cameraId}/{name}";
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex CameraId();
}
