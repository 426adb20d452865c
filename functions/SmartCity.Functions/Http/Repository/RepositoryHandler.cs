using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Http.OpenInference;
using SmartCity.Functions.Models;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http.Repository;

/// <summary>
/// The model repository API behind <see cref="RepositoryFunctions"/> and <see cref="ModelVersionFunctions"/>:
/// Triton's repository extension (index, load, unload) and the native publish, default,
/// roll-back, retire and history. Reads the request, calls the publisher or the version control,
/// and answers with what the repository serves afterwards.
/// </summary>
public sealed class RepositoryHandler(InferenceEngine engine, ModelRepositorySynchronizer synchronizer, ModelPublisher publisher, ModelVersionControl control, ModelRepositoryStore store, IOptions<HttpApiOptions> options)
{
    public const string Ready = "READY";
    public const string Unavailable = "UNAVAILABLE";

    private long MaxBodyBytes => options.Value.MaxBodyBytes;

    public async Task<IReadOnlyList<RepositoryIndexEntry>> IndexAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonRequestReader.ReadAsync(request, OpenInferenceJsonContext.Default.RepositoryIndexRequest, MaxBodyBytes, cancellationToken);
        await synchronizer.RefreshAsync(cancellationToken);
        return [.. engine.Repository.Index
            .Where(s => body.Ready != true || s.State == ModelAvailability.Ready)
            .Select(s => new RepositoryIndexEntry(s.Name, s.Version, StateName(s.State), s.Reason))];
    }

    public async Task LoadAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        var body = await JsonRequestReader.ReadAsync(request, OpenInferenceJsonContext.Default.RepositoryModelRequest, MaxBodyBytes, cancellationToken);
        await control.LoadAsync(model, Actor.Of(request), body.Reason, cancellationToken);
    }

    public async Task UnloadAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        var body = await JsonRequestReader.ReadAsync(request, OpenInferenceJsonContext.Default.RepositoryModelRequest, MaxBodyBytes, cancellationToken);
        await control.UnloadAsync(model, Actor.Of(request), body.Reason, cancellationToken);
    }

    public async Task<PublishedVersionBody> PublishAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        var package = await PackageRequestReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
        var publishId = package.IdempotencyKey is { } key ? $"key-{key}" : Guid.NewGuid().ToString("N");
        var published = await publisher.PublishAsync(model, package.Files, new PublishRequest(publishId, Actor.Of(request), package.Promote, package.Reason), cancellationToken);
        var state = StateOf(model, published.Version);
        return new PublishedVersionBody(model, published.Version, published.Created, published.IsDefault, StateName(state?.State ?? ModelAvailability.Unavailable), state?.Reason);
    }

    public async Task<DefaultVersionBody> SetDefaultAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        var body = await JsonRequestReader.ReadAsync(request, ApiJsonContext.Default.ChangeRequest, MaxBodyBytes, cancellationToken);
        if (string.IsNullOrWhiteSpace(body.Version))
        {
            throw HttpApiException.BadRequest("malformed-json", "The body must name the version: {\"version\": \"2\"}.");
        }

        var change = await control.SetDefaultAsync(model, body.Version.Trim(), Actor.Of(request), body.Reason, null, cancellationToken);
        return new DefaultVersionBody(change.Model, change.Default, change.Previous);
    }

    public async Task<DefaultVersionBody> RollBackAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        var body = await JsonRequestReader.ReadAsync(request, ApiJsonContext.Default.ChangeRequest, MaxBodyBytes, cancellationToken);
        var change = await control.RollBackAsync(model, Actor.Of(request), body.Reason, cancellationToken);
        return new DefaultVersionBody(change.Model, change.Default, change.Previous);
    }

    public async Task<RetiredVersionBody> RetireAsync(HttpRequest request, string model, string version, CancellationToken cancellationToken)
    {
        var body = await JsonRequestReader.ReadAsync(request, ApiJsonContext.Default.ChangeRequest, MaxBodyBytes, cancellationToken);
        await control.RetireAsync(model, version, Actor.Of(request), body.Reason, cancellationToken);
        var state = StateOf(model, version);
        return new RetiredVersionBody(model, version, StateName(state?.State ?? ModelAvailability.Unavailable), state?.Reason);
    }

    public async Task<ModelHistoryBody> HistoryAsync(string model, CancellationToken cancellationToken)
    {
        if (!engine.Repository.Contains(model))
        {
            await synchronizer.RefreshAsync(cancellationToken);
        }

        var changes = await store.HistoryAsync(model, cancellationToken);
        return changes.Count == 0 && !engine.Repository.Contains(model)
            ? throw new SmartCity.Inference.ModelNotFoundException(model, null)
            : new ModelHistoryBody(model, changes);
    }

    public static string StateName(ModelAvailability state) => state == ModelAvailability.Ready ? Ready : Unavailable;

    private ModelVersionState? StateOf(string model, string version) =>
        engine.Repository.Index.FirstOrDefault(s => s.Name == model && s.Version == version);
}
