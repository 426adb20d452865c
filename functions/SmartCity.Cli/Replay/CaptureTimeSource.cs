using System.Globalization;
using System.Text.RegularExpressions;

namespace SmartCity.Cli.Replay;

/// <summary>
/// Where the capture time each upload gets as blob metadata <c>capturedAt</c> comes from (the
/// pipeline prefers it to EXIF and to the upload time), as <c>--captured-at</c> says:
/// <c>name</c> (default) reads a <c>yyyy-MM-dd_HH-mm-ss</c> time from the file name, as UTC;
/// an ISO 8601 time is used for every file; <c>none</c> sets nothing.
/// </summary>
internal sealed partial class CaptureTimeSource
{
    private readonly bool _fromFileName;
    private readonly DateTimeOffset? _fixed;

    private CaptureTimeSource(bool fromFileName, DateTimeOffset? fixedTime)
    {
        _fromFileName = fromFileName;
        _fixed = fixedTime;
    }

    public static CaptureTimeSource FileName { get; } = new(true, null);

    public static CaptureTimeSource None { get; } = new(false, null);

    public static CaptureTimeSource At(DateTimeOffset time) => new(false, time);

    /// <summary><c>name</c>, <c>none</c> or an ISO 8601 time (UTC unless it names an offset); null for anything else.</summary>
    public static CaptureTimeSource? Parse(string text) => text switch
    {
        "name" => FileName,
        "none" => None,
        _ => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? At(time) : null,
    };

    /// <summary>The capture time of the file at <paramref name="path"/>, or null when it has none.</summary>
    public DateTimeOffset? For(string path)
    {
        if (!_fromFileName)
        {
            return _fixed;
        }

        var match = TimeInName().Match(Path.GetFileNameWithoutExtension(path));
        return match.Success && DateTime.TryParseExact(
            $"{match.Groups["date"].Value}T{match.Groups["h"].Value}:{match.Groups["m"].Value}:{match.Groups["s"].Value}",
            "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? new DateTimeOffset(time, TimeSpan.Zero)
            : null;
    }

    /// <summary>The <c>--captured-at</c> value this source is: <c>name</c>, <c>none</c> or the ISO 8601 time.</summary>
    public override string ToString() =>
        _fromFileName ? "name" : _fixed is { } time ? time.ToString("O", CultureInfo.InvariantCulture) : "none";

    [GeneratedRegex(@"(?<date>\d{4}-\d{2}-\d{2})[_T ](?<h>\d{2})[-:](?<m>\d{2})[-:](?<s>\d{2})")]
    private static partial Regex TimeInName();
}
