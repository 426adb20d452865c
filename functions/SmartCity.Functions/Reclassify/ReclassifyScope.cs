namespace SmartCity.Functions.Reclassify;

/// <summary>A checked request: which cameras (one, a prefix of ids, or all: prefix ""), the range, the model version.</summary>
public sealed record ReclassifyScope(string? CameraId, string? Prefix, DateTimeOffset From, DateTimeOffset To, string Model, string Version)
{
    /// <summary>The same work, however the request spelled it: a running job with this key answers a repeated request.</summary>
    public string Key
    {
        get
        {
            var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{CameraId}\n{Prefix}\n{From.UtcTicks}\n{To.UtcTicks}\n{Model}\n{Version}");
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32];
        }
    }
}
