namespace SmartCity.Cameras;

/// <summary>When an upload was taken, and where that time came from.</summary>
/// <param name="Time">The capture time, with the offset it was given in.</param>
/// <param name="Source"><see cref="FromMetadata"/>, <see cref="FromExif"/> or <see cref="FromUpload"/>.</param>
/// <param name="Note">Why a time the upload carried was not used (e.g. it lies after the upload), or null.</param>
public sealed record CaptureTime(DateTimeOffset Time, string Source, string? Note = null)
{
    /// <summary>The blob's <c>capturedAt</c> metadata.</summary>
    public const string FromMetadata = "metadata";

    /// <summary>The image's EXIF <c>DateTimeOriginal</c>.</summary>
    public const string FromExif = "exif";

    /// <summary>The blob's last-modified time.</summary>
    public const string FromUpload = "upload";
}
