namespace SmartCity.Cli.Replay;

/// <summary>What <c>replay</c> was asked: the images, where they go, and whom to notify.</summary>
/// <param name="StorageConnection">The storage connection string (a secret: never printed; see <see cref="ReplaySecrets"/>).</param>
/// <param name="Key">The host's <c>blobs_extension</c> key, sent as <c>x-functions-key</c>; null for a host that checks none.</param>
internal sealed record ReplaySettings(
    IReadOnlyList<string> Inputs,
    string CameraId,
    string Container,
    string StorageConnection,
    Uri Host,
    string? Key,
    bool Notify,
    CaptureTimeSource CapturedAt);
