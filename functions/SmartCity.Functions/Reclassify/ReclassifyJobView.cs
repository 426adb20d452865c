namespace SmartCity.Functions.Reclassify;

/// <summary>What <c>GET /api/cameras/reclassifications/{jobId}</c> answers.</summary>
public sealed record ReclassifyJobView(
    string Id,
    ReclassifyJobState State,
    string? CameraId,
    string? Prefix,
    bool All,
    DateTimeOffset From,
    DateTimeOffset To,
    string Model,
    string Version,
    string RequestedBy,
    ReclassifyCounts Counts,
    int Batches,
    int BatchesDone,
    bool ListingDone,
    IReadOnlyList<ReclassifyFailure> Failures,
    string? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    public static ReclassifyJobView Of(ReclassifyJobDocument job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new ReclassifyJobView(job.Id, job.State, job.CameraId, job.Prefix is { Length: > 0 } ? job.Prefix : null, job.CameraId is null && string.IsNullOrEmpty(job.Prefix),
            job.From, job.To, job.Model, job.Version, job.RequestedBy, job.Counts, job.Batches, job.DoneBatches.Count, job.ListingDone, job.Failures, job.Failure,
            job.CreatedAt, job.UpdatedAt, job.StartedAt, job.FinishedAt);
    }
}
