using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.Repository;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Training;

/// <summary>
/// <c>POST /api/models/{model}/training-jobs</c> (checks the request, stores the job as queued,
/// sends its first message) and <c>GET .../training-jobs/{job}</c> (the job as it stands).
/// </summary>
public sealed class TrainingJobHandler(TrainingJobStore jobs, TrainingStepSender steps, IOptions<HttpApiOptions> options)
{
    public async Task<TrainingJobView> CreateAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await JsonRequestReader.ReadAsync(request, TrainingJsonContext.Default.TrainingJobRequest, options.Value.MaxBodyBytes, cancellationToken);
        Check(model, body);
        var now = DateTimeOffset.UtcNow;
        var job = new TrainingJobDocument
        {
            Id = $"{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..27],
            Model = model,
            Request = body,
            RequestedBy = Actor.Of(request),
            State = TrainingJobState.Queued,
            Step = TrainingJobStep.List,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var etag = await jobs.CreateAsync(job, cancellationToken);
        try
        {
            await steps.SendAsync(new TrainingJobMessage(model, job.Id, 0), cancellationToken);
        }
        catch (Exception)
        {
            job.State = TrainingJobState.Failed;
            job.Failure = ["The job could not be queued; create it again."];
            await jobs.TryWriteAsync(job, etag, CancellationToken.None);
            throw;
        }

        return TrainingJobView.Of(job);
    }

    public async Task<TrainingJobView> GetAsync(string model, string jobId, CancellationToken cancellationToken)
    {
        var found = ModelBlobLayout.IsModelName(model) && ModelBlobLayout.IsVersionName(jobId) ? await jobs.ReadAsync(model, jobId, cancellationToken) : null;
        return found is var (job, _) ? TrainingJobView.Of(job) : throw new HttpApiException("training-job-not-found", $"Model '{model}' has no training job '{jobId}'.");
    }

    private static void Check(string model, TrainingJobRequest body)
    {
        if (!ModelBlobLayout.IsModelName(model))
        {
            throw Invalid($"'{model}' is not a model name: letters, digits, '.', '_' and '-', starting with a letter or digit.");
        }

        var data = body.Data;
        if (data is null || (data.Prefix is null) == (data.LabelsCsv is null))
        {
            throw Invalid("'data' must give exactly one of 'prefix' (a folder per label) and 'labelsCsv' (a CSV with columns file and label), in the training data container.");
        }

        var path = data.Prefix ?? data.LabelsCsv!;
        if (path.StartsWith('/') || path.Split('/').Any(s => s is "." or ".."))
        {
            throw Invalid($"'{path}' must be a path inside the training data container, without '.' or '..' segments or a leading '/'.");
        }

        if (!ModelBlobLayout.IsModelName(body.Backbone))
        {
            throw Invalid($"'backbone' must name a model; got '{body.Backbone}'.");
        }

        if (body.HeldOutFraction is < 0.05 or > 0.5 || double.IsNaN(body.HeldOutFraction))
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"'heldOutFraction' must be between 0.05 and 0.5; got {body.HeldOutFraction}."));
        }

        if (new SmartCity.Training.ExampleIndexSettings(body.ExamplesPerLabel).Problem("examplesPerLabel") is { } examples)
        {
            throw Invalid(examples);
        }
    }

    private static HttpApiException Invalid(string detail) => HttpApiException.BadRequest("invalid-training-request", detail);
}
