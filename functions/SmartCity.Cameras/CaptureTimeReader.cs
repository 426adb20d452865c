using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace SmartCity.Cameras;

/// <summary>
/// The capture time of an upload: its metadata <c>capturedAt</c> (ISO 8601), else the image's
/// EXIF <c>DateTimeOriginal</c> (with <c>OffsetTimeOriginal</c> when present, UTC otherwise),
/// else the upload time. EXIF is read with MetadataExtractor. Nothing here throws on a bad or
/// hostile file: an unreadable or out-of-range value counts as absent.
/// <para>
/// A frame cannot be taken after it was uploaded, so a time more than <see cref="FutureTolerance"/>
/// after the upload time (the storage service's clock) comes from a wrong camera clock. It is not
/// trusted either (the next source is used) and the result's <see cref="CaptureTime.Note"/> says
/// why: one such frame would otherwise count as the camera's newest for as long as the clock is
/// wrong, so every later frame would be "late" (frozen-feed detection off) and its rows would lie
/// outside every query window that ends now.
/// </para>
/// </summary>
public static class CaptureTimeReader
{
    /// <summary>The name of the blob metadata that carries the capture time.</summary>
    public const string MetadataName = "capturedAt";

    /// <summary>The earliest time the results table can store (Azure Tables' DateTime starts in 1601).</summary>
    public static readonly DateTimeOffset Earliest = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// How far after the upload time a capture time may lie and still be trusted: clock skew
    /// between a camera (NTP-synced or not) and the storage service, not a wrong clock.
    /// </summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan LargestOffset = TimeSpan.FromHours(14);

    /// <summary>The capture time of an upload; <paramref name="image"/> is null when the upload was not downloaded.</summary>
    public static CaptureTime Read(IDictionary<string, string> metadata, byte[]? image, DateTimeOffset uploadedAt)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var fromMetadata = ParseMetadata(MetadataValue(metadata));
        if (fromMetadata is { } metadataTime && IsTrusted(metadataTime, uploadedAt))
        {
            return new CaptureTime(metadataTime, CaptureTime.FromMetadata);
        }

        var note = fromMetadata is { } untrusted ? FutureNote(CaptureTime.FromMetadata, untrusted, uploadedAt) : null;
        var fromExif = image is null ? null : ReadExif(image);
        if (fromExif is { } exifTime && IsTrusted(exifTime, uploadedAt))
        {
            return new CaptureTime(exifTime, CaptureTime.FromExif, note);
        }

        note ??= fromExif is { } future ? FutureNote(CaptureTime.FromExif, future, uploadedAt) : null;
        return new CaptureTime(uploadedAt, CaptureTime.FromUpload, note);
    }

    /// <summary>True unless <paramref name="capturedAt"/> lies more than <see cref="FutureTolerance"/> after <paramref name="uploadedAt"/>.</summary>
    public static bool IsTrusted(DateTimeOffset capturedAt, DateTimeOffset uploadedAt) => capturedAt - uploadedAt <= FutureTolerance;

    /// <summary>The <c>capturedAt</c> metadata value (names are case-insensitive), or null.</summary>
    public static string? MetadataValue(IDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.FirstOrDefault(m => string.Equals(m.Key, MetadataName, StringComparison.OrdinalIgnoreCase)).Value;
    }

    /// <summary>An ISO 8601 time (no offset means UTC), or null when the text is not one or is out of range.</summary>
    public static DateTimeOffset? ParseMetadata(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
        && time >= Earliest
            ? time
            : null;

    /// <summary>Why a capture time was not used: it lies after the upload by more than clock skew.</summary>
    private static string FutureNote(string source, DateTimeOffset capturedAt, DateTimeOffset uploadedAt)
    {
        var ahead = capturedAt - uploadedAt;
        var by = ahead.TotalDays >= 1 ? $"{ahead.TotalDays:F1} days" : $"{ahead.TotalMinutes:F0} minutes";
        var what = source == CaptureTime.FromExif ? "EXIF DateTimeOriginal" : "capturedAt metadata";
        return string.Create(CultureInfo.InvariantCulture, $"{what} {capturedAt.ToUniversalTime():O} is {by} after the upload (at most {FutureTolerance.TotalMinutes:F0} minutes of clock skew are trusted): the camera's clock is wrong");
    }

    /// <summary>EXIF <c>DateTimeOriginal</c> with its <c>OffsetTimeOriginal</c> (UTC without one), or null.</summary>
    public static DateTimeOffset? ReadExif(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        try
        {
            using var stream = new MemoryStream(image, writable: false);
            return ImageMetadataReader.ReadMetadata(stream).OfType<ExifSubIfdDirectory>().Select(DateTimeOriginal).FirstOrDefault(t => t is not null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The time is optional: whatever the parser meets in a truncated or hostile file
            // (ImageProcessingException, IOException, or worse), the answer is "no EXIF time".
            return null;
        }
    }

    private static DateTimeOffset? DateTimeOriginal(ExifSubIfdDirectory exif)
    {
        if (!exif.TryGetDateTime(ExifDirectoryBase.TagDateTimeOriginal, out var taken))
        {
            return null;
        }

        // A value that carried its own offset was converted to UTC by the library.
        var offset = taken.Kind == DateTimeKind.Utc ? TimeSpan.Zero : Offset(exif.GetString(ExifDirectoryBase.TagTimeZoneOriginal));
        var utcTicks = taken.Ticks - offset.Ticks;
        return utcTicks >= Earliest.UtcTicks && utcTicks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(DateTime.SpecifyKind(taken, DateTimeKind.Unspecified), offset)
            : null;
    }

    /// <summary><c>+hh:mm</c> or <c>-hh:mm</c> within ±14 hours; anything else is UTC.</summary>
    private static TimeSpan Offset(string? text)
    {
        text = text?.Trim('\0', ' ');
        if (string.IsNullOrEmpty(text) || !TimeSpan.TryParseExact(text.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture, out var offset))
        {
            return TimeSpan.Zero;
        }

        offset = text.StartsWith('-') ? -offset : offset;
        return offset.Duration() <= LargestOffset ? offset : TimeSpan.Zero;
    }
}
