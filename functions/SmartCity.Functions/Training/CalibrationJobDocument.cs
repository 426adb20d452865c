namespace SmartCity.Functions.Training;

/// <summary>
/// A calibration job as stored (<c>&lt;model&gt;/calibrations/&lt;job&gt;/job.json</c> in
/// <c>Training:JobsContainer</c>), changed only with its ETag. It runs as one queue message
/// (kind <see cref="TrainingJobMessage.CalibrationKind"/> on the training queue); the publish uses
/// the job id as its publish id, so a redelivered message publishes at most one version.
/// </summary>
public sealed class CalibrationJobDocument
{
    public string Id { get; set; } = string.Empty;

    /// <summary>The base model (e.g. <c>traffic-scene</c>).</summary>
    public string Model { get; set; } = string.Empty;

    public string CameraId { get; set; } = string.Empty;

    /// <summary>The base model's default version when the job was created: the one calibrated.</summary>
    public string BaseVersion { get; set; } = string.Empty;

    /// <summary>The model the calibrated version is published to, <c>{model}.cam-{cameraId}</c>.</summary>
    public string CameraModel { get; set; } = string.Empty;

    public CalibrationJobRequest Request { get; set; } = new();

    public string RequestedBy { get; set; } = string.Empty;

    public TrainingJobState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The labelled frames found in the CSV (unusable rows left out), in CSV order.</summary>
    public List<CalibrationFrameEntry> Frames { get; set; } = [];

    /// <summary>CSV rows of this camera labelled <c>unusable</c>, skipped.</summary>
    public int SkippedUnusable { get; set; }

    /// <summary>Frames read and used for the calibration.</summary>
    public int FramesRead { get; set; }

    /// <summary>Frames that could not be read as images (left out), by name, with the reason.</summary>
    public List<FileProblem> Unreadable { get; set; } = [];

    public double? LeaveOneOutCongestion { get; set; }

    public string? PublishedVersion { get; set; }

    public bool? PublishedIsDefault { get; set; }

    public List<string> Failure { get; set; } = [];
}

/// <summary>One labelled frame of a calibration job: its blob in the data container and its labels.</summary>
public sealed record CalibrationFrameEntry(string Blob, string Congestion, string Lighting, bool Sure);
