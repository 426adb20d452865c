namespace SmartCity.Functions.Reclassify;

/// <summary>
/// The body of <c>POST /api/cameras/reclassifications</c>: exactly one of <see cref="CameraId"/>,
/// <see cref="Prefix"/> (of camera ids) and <see cref="All"/>; the capture-time range [from, to);
/// the model and the version to reclassify with.
/// </summary>
public sealed class ReclassifyRequest
{
    public string? CameraId { get; set; }

    public string? Prefix { get; set; }

    public bool? All { get; set; }

    public string? From { get; set; }

    public string? To { get; set; }

    public string? Model { get; set; }

    public string? Version { get; set; }
}
