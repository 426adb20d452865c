namespace SmartCity.Functions.Training;

/// <summary>What <c>GET /api/models/{model}/training-jobs/{job}</c> answers.</summary>
public sealed record TrainingJobView(
    string Id,
    string Model,
    TrainingJobState State,
    TrainingJobStep Step,
    TrainingProgress Progress,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string RequestedBy,
    TrainingJobRequest Request,
    IReadOnlyList<string> Labels,
    IReadOnlyDictionary<string, int> CountsPerLabel,
    TrainingJobResult? Result,
    IReadOnlyList<string> Failure)
{
    public static TrainingJobView Of(TrainingJobDocument job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new TrainingJobView(job.Id, job.Model, job.State, job.Step, new TrainingProgress(job.Embedded, job.Total), job.CreatedAt, job.UpdatedAt,
            job.StartedAt, job.FinishedAt, job.RequestedBy, job.Request, job.Labels, job.CountsPerLabel, job.Result, job.Failure);
    }
}
