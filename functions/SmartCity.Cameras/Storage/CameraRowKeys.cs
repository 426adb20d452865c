using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// Keys of the results table. PartitionKey is the camera. A result row's RowKey is
/// <c>{reverse ticks of the capture time:D19}_{hash of the blob name}_{model}</c>: ordered newest
/// first (so a Tables query pages in the order the API promises), deterministic per
/// (blob, capture time, model), so a re-delivery overwrites itself. A re-upload with another
/// capture time gets new keys; the per-blob index row (<c>blob-{hash}</c>, outside the time
/// range, since digits sort before letters) remembers the old ones so they are deleted. The
/// camera's frame state (<see cref="FrameState"/>) sorts after both.
/// </summary>
public static class CameraRowKeys
{
    public const string IndexPrefix = "blob-";

    public const string RejectedSuffix = "rejected";

    /// <summary>The row of a camera's last frames; sorts after every result row (digits) and index row (<c>blob-</c>), outside every time range.</summary>
    public const string FrameState = "state-frames";

    /// <summary>16 hex digits of SHA-256 of the blob name (names may hold characters RowKeys forbid).</summary>
    public static string HashName(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    public static string TimePrefix(DateTimeOffset time) =>
        (DateTime.MaxValue.Ticks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static string Result(DateTimeOffset capturedAt, string name, string model) =>
        $"{TimePrefix(capturedAt)}_{HashName(name)}_{model}";

    public static string Rejected(DateTimeOffset capturedAt, string name) => Result(capturedAt, name, RejectedSuffix);

    public static string Index(string name) => IndexPrefix + HashName(name);

    /// <summary>RowKey bounds of the rows captured in [from, to): [lower, upper).</summary>
    public static (string Lower, string Upper) Range(DateTimeOffset from, DateTimeOffset to) =>
        ((DateTime.MaxValue.Ticks - to.UtcTicks + 1).ToString("D19", CultureInfo.InvariantCulture),
         (DateTime.MaxValue.Ticks - from.UtcTicks + 1).ToString("D19", CultureInfo.InvariantCulture));
}
