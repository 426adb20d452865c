using System.Security.Cryptography;
using System.Text;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>
/// The ids the Custom Vision API answers with that the repository has no notion of: an iteration id
/// per model version and a tag id per label, derived from their names (the first 16 bytes of a
/// SHA-256, marked as an RFC 9562 version 8 UUID), so they stay the same across restarts and instances.
/// </summary>
public static class CustomVisionIds
{
    public static Guid Iteration(string model, string version) => From($"iteration\n{model}\n{version}");

    public static Guid Tag(string model, string label) => From($"tag\n{model}\n{label}");

    private static Guid From(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
