namespace SmartCity.Functions.Training;

/// <summary>
/// A training job as stored (<c>&lt;model&gt;/&lt;job&gt;/job.json</c> in <c>Training:JobsContainer</c>),
/// changed only with its ETag. <see cref="Sequence"/> counts the steps committed: a queue message
/// carries the sequence it was sent for, so a redelivered or duplicated message for a step already
/// done changes nothing; <see cref="Kicked"/> records that the message for the current sequence
/// was sent, so a retry after a crash between the commit and the send sends it (once).
/// </summary>
public sealed class TrainingJobDocument
{
    public string Id { get; set; } = string.Empty;

    public string Model { get; set; } = string.Empty;

    public TrainingJobRequest Request { get; set; } = new();

    public string RequestedBy { get; set; } = string.Empty;

    public TrainingJobState State { get; set; }

    public TrainingJobStep Step { get; set; }

    public int Sequence { get; set; }

    public bool Kicked { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Labels, sorted; an image's class is its index here.</summary>
    public List<string> Labels { get; set; } = [];

    public Dictionary<string, int> CountsPerLabel { get; set; } = [];

    public int Total { get; set; }

    /// <summary>Images processed so far (embedded or found unreadable).</summary>
    public int Embedded { get; set; }

    public int Chunks { get; set; }

    public int ChunksDone { get; set; }

    /// <summary>The backbone version every image is embedded with (its default when the job started).</summary>
    public string? BackboneVersion { get; set; }

    /// <summary>The model's default when the job started, compared on the held-out images (rule if-better).</summary>
    public string? ComparedVersion { get; set; }

    /// <summary>Why the comparison cannot be made, when it cannot.</summary>
    public string? CompareProblem { get; set; }

    public List<FileProblem> Unreadable { get; set; } = [];

    public int UnreadableCount { get; set; }

    /// <summary>Validation accuracy of each L2 candidate scored so far, in the order of HeadTraining.L2Choices.</summary>
    public List<double> L2Scores { get; set; } = [];

    public TrainingJobResult? Result { get; set; }

    /// <summary>Why the job failed, each reason naming what to fix.</summary>
    public List<string> Failure { get; set; } = [];

    /// <summary>Unreadable files kept by name in the document; the rest are counted.</summary>
    public const int MaxListedProblems = 100;
}
