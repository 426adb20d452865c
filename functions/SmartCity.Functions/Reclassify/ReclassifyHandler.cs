using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SmartCity.Cameras;
using SmartCity.Functions.Http;
using SmartCity.Functions.Http.Repository;
using SmartCity.Functions.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Reclassify;

/// <summary>
/// <c>POST /api/cameras/reclassifications</c> (checks the request, stores the job as queued, sends
/// its first listing message; the same request while its job runs answers that job: 200 instead of
/// 202) and <c>GET .../reclassifications[/{jobId}]</c>.
/// </summary>
public sealed partial class ReclassifyHandler(InferenceEngine engine, ReclassifyJobStore jobs, ReclassifySender sender, IOptions<HttpApiOptions> options)
{
    /// <summary>Most jobs a list answers.</summary>
    public const int MaxListed = 100;

    public static bool IsJobId(string id) => JobId().IsMatch(id);

    /// <summary>The job and whether this request created it (false: the same request's job was running).</summary>
    public async Task<(ReclassifyJobView Job, bool Created)> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await JsonRequestReader.ReadAsync(request, ReclassifyJsonContext.Default.ReclassifyRequest, options.Value.MaxBodyBytes, cancellationToken);
        var scope = Check(body);

        // Throws model-not-found (404) or model-unavailable (503) when the version is not served here.
        var served = engine.Repository.Get(scope.Model, scope.Version);
        var now = DateTimeOffset.UtcNow;
        var job = new ReclassifyJobDocument
        {
            Id = $"{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..27],
            Key = scope.Key,
            CameraId = scope.CameraId,
            Prefix = scope.Prefix,
            From = scope.From,
            To = scope.To,
            Model = served.Name,
            Version = served.Version,
            RequestedBy = Actor.Of(request),
            State = ReclassifyJobState.Queued,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var (stored, created) = await jobs.CreateAsync(job, cancellationToken);
        if (!created)
        {
            return (ReclassifyJobView.Of(stored), false);
        }

        try
        {
            await sender.SendAsync(new ReclassifyMessage(job.Id, ReclassifyMessage.List, 0, 0), cancellationToken);
        }
        catch (Exception)
        {
            await jobs.UpdateAsync(job.Id, j => { j.State = ReclassifyJobState.Failed; j.Failure = "The job could not be queued; start it again."; j.FinishedAt = DateTimeOffset.UtcNow; return true; }, CancellationToken.None);
            throw;
        }

        return (ReclassifyJobView.Of(job), true);
    }

    public async Task<ReclassifyJobView> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var found = IsJobId(jobId) ? await jobs.ReadAsync(jobId, cancellationToken) : null;
        return found is var (job, _) ? ReclassifyJobView.Of(job) : throw new HttpApiException("reclassification-not-found", $"There is no reclassification '{jobId}'.");
    }

    public async Task<IReadOnlyList<ReclassifyJobView>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await jobs.ListAsync(MaxListed, cancellationToken)).Select(ReclassifyJobView.Of)];

    /// <summary>The request checked, or a 400 naming the field.</summary>
    public static ReclassifyScope Check(ReclassifyRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var chosen = (body.CameraId is not null ? 1 : 0) + (body.Prefix is not null ? 1 : 0) + (body.All == true ? 1 : 0);
        if (chosen != 1)
        {
            throw Invalid("Give exactly one of 'cameraId' (one camera), 'prefix' (the cameras whose id starts with it) and 'all': true.");
        }

        if (body.All == false)
        {
            throw Invalid("'all' must be true when given.");
        }

        if (body.CameraId is { } camera && CameraBlobPath.Validate("c", "c", null, camera, "x") is not null)
        {
            throw Invalid($"'cameraId' must be 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit; got '{camera}'.");
        }

        if (body.Prefix is { } prefix && (prefix.Length is 0 or > 64 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw Invalid($"'prefix' must be the start of camera ids: 1-64 letters, digits, '-', '_' or '.'; got '{prefix}'.");
        }

        var from = Time(body.From, "from");
        var to = Time(body.To, "to");
        if (from >= to)
        {
            throw Invalid("'from' must be before 'to' (the range is [from, to) of capture times).");
        }

        if (string.IsNullOrWhiteSpace(body.Model) || !ModelBlobLayout.IsModelName(body.Model))
        {
            throw Invalid($"'model' must name a model: letters, digits, '.', '_' and '-', starting with a letter or digit; got '{body.Model}'.");
        }

        if (string.IsNullOrWhiteSpace(body.Version) || !ModelBlobLayout.IsVersionName(body.Version))
        {
            throw Invalid($"'version' must name a version of '{body.Model}' (e.g. \"2\"); got '{body.Version}'.");
        }

        return new ReclassifyScope(body.CameraId, body.All == true ? string.Empty : body.Prefix, from, to, body.Model, body.Version);
    }

    private static DateTimeOffset Time(string? value, string field) =>
        !string.IsNullOrWhiteSpace(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw Invalid($"'{field}' must be an ISO 8601 time (e.g. 2026-11-01T00:00:00Z); got '{value}'.");

    private static HttpApiException Invalid(string detail) => HttpApiException.BadRequest("invalid-reclassification-request", detail);

    [GeneratedRegex("^[0-9]{14}-[0-9a-f]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex JobId();
}
