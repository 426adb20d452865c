namespace SmartCity.Functions.Reclassify;

/// <summary>
/// A reclassification job as stored (<c>&lt;job&gt;/job.json</c> in <c>Reclassify:JobsContainer</c>),
/// changed only with its ETag. The listing is a chain of messages like a training job's steps:
/// <see cref="Sequence"/> counts the listing pages committed and a listing message acts only for
/// its own sequence (<see cref="Kicked"/>: the next one was sent). Batch <c>n</c> is counted when
/// <c>n</c> joins <see cref="DoneBatches"/>, in the same write as its counts: never twice.
/// </summary>
public sealed class ReclassifyJobDocument
{
    public string Id { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    public string? CameraId { get; set; }

    public string? Prefix { get; set; }

    public DateTimeOffset From { get; set; }

    public DateTimeOffset To { get; set; }

    public string Model { get; set; } = string.Empty;

    public string Version { get; set; } = string.Empty;

    public string RequestedBy { get; set; } = string.Empty;

    public ReclassifyJobState State { get; set; }

    public int Sequence { get; set; }

    public bool Kicked { get; set; }

    /// <summary>The cameras to list, found by the first listing message.</summary>
    public List<string>? Cameras { get; set; }

    /// <summary>The camera being listed (an index into <see cref="Cameras"/>) and the table's continuation token in it.</summary>
    public int Camera { get; set; }

    public string? Continuation { get; set; }

    public bool ListingDone { get; set; }

    /// <summary>Batches sent; they are numbered from 0.</summary>
    public int Batches { get; set; }

    public List<int> DoneBatches { get; set; } = [];

    public ReclassifyCounts Counts { get; set; } = new();

    public List<ReclassifyFailure> Failures { get; set; } = [];

    public string? Failure { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public bool Finished => State is ReclassifyJobState.Completed or ReclassifyJobState.Failed;

    /// <summary>Completes the job when everything is listed and every batch counted.</summary>
    public void CompleteIfDone(DateTimeOffset now)
    {
        if (ListingDone && !Finished && DoneBatches.Count >= Batches)
        {
            State = ReclassifyJobState.Completed;
            FinishedAt = now;
        }
    }
}
