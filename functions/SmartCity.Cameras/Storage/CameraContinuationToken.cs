using System.Text;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// The list's opaque continuation token: the table's own token, versioned and base64url-encoded,
/// so callers cannot build one and the format can change behind the version.
/// </summary>
internal static class CameraContinuationToken
{
    private const string Version = "v1:";

    public static string? Encode(string? tableToken) =>
        tableToken is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(Version + tableToken)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The table's token, or null for none; throws <see cref="CameraQueryException"/> for a token this API did not return.</summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            if (text.StartsWith(Version, StringComparison.Ordinal) && text.Length > Version.Length)
            {
                return text[Version.Length..];
            }
        }
        catch (FormatException)
        {
            // falls through to the error below
        }

        throw new CameraQueryException("continuationToken", "continuationToken is not one this API returned.");
    }
}
