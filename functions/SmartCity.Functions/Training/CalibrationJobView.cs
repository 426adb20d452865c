namespace SmartCity.Functions.Training;

/// <summary>What <c>GET /api/models/{model}/calibrations/{job}</c> answers.</summary>
public sealed record CalibrationJobView(
    string Id,
    string Model,
    string CameraId,
    string BaseVersion,
    TrainingJobState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string RequestedBy,
    CalibrationJobRequest Request,
    int Frames,
    int SkippedUnusable,
    int FramesRead,
    IReadOnlyList<FileProblem> Unreadable,
    double? LeaveOneOutCongestion,
    CalibrationPublished? Published,
    IReadOnlyList<string> Failure)
{
    public static CalibrationJobView Of(CalibrationJobDocument job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var published = job.PublishedVersion is { } version ? new CalibrationPublished(job.CameraModel, version, job.PublishedIsDefault ?? false) : null;
        return new CalibrationJobView(job.Id, job.Model, job.CameraId, job.BaseVersion, job.State, job.CreatedAt, job.UpdatedAt, job.StartedAt, job.FinishedAt,
            job.RequestedBy, job.Request, job.Frames.Count, job.SkippedUnusable, job.FramesRead, job.Unreadable, job.LeaveOneOutCongestion, published, job.Failure);
    }
}

/// <summary>The camera's model version a calibration job published.</summary>
public sealed record CalibrationPublished(string Model, string Version, bool IsDefault);
