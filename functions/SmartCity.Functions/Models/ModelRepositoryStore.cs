using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Http;
using SmartCity.Inference.Models;

namespace SmartCity.Functions.Models;

/// <summary>
/// Writes the model repository container (<see cref="ModelBlobLayout"/>) with conditional
/// requests, so concurrent operators and redelivered jobs cannot undo each other: a version
/// number is taken by creating its claim blob if absent, files are written before the manifest,
/// the manifest only if absent, the default pointer only if it is unchanged since it was read.
/// The container is created when missing (locally; in Azure the Bicep creates it).
/// </summary>
public sealed class ModelRepositoryStore
{
    private const int MaxClaimAttempts = 32;

    public ModelRepositoryStore(ModelStorageClients clients, IOptions<ModelRepositoryOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Blobs.GetBlobContainerClient(options.Value.Container))
    {
    }

    public ModelRepositoryStore(BlobContainerClient container) => Container = container ?? throw new ArgumentNullException(nameof(container));

    public BlobContainerClient Container { get; }

    /// <summary>
    /// The version number this publish owns: the one whose claim carries <paramref name="publishId"/>
    /// (a retried publish), else the next free number above every version of the model here and in
    /// <paramref name="taken"/> (the bundled ones), claimed if absent.
    /// </summary>
    public async Task<(string Version, DateTimeOffset ClaimedAt)> ClaimAsync(string model, string publishId, string actor, IEnumerable<string> taken, CancellationToken cancellationToken)
    {
        var highest = taken.Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max();
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await foreach (var item in Container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, model + "/", cancellationToken).ConfigureAwait(false))
        {
            var blob = ModelBlobLayout.Parse(item.Name);
            if (blob.Version is null)
            {
                continue;
            }

            if (blob.Kind == ModelBlobKind.Claim && ModelBlobLayout.Unescape(item.Metadata, ModelBlobLayout.PublishIdKey) == publishId)
            {
                var at = ModelBlobLayout.Unescape(item.Metadata, ModelBlobLayout.AtKey);
                return (blob.Version, at is null ? DateTimeOffset.UtcNow : DateTimeOffset.Parse(at, CultureInfo.InvariantCulture));
            }

            if (long.TryParse(blob.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                highest = Math.Max(highest, number);
            }
        }

        var claimedAt = DateTimeOffset.UtcNow;
        for (var attempt = 0; attempt < MaxClaimAttempts; attempt++)
        {
            var version = (highest + 1 + attempt).ToString(CultureInfo.InvariantCulture);
            var metadata = Metadata((ModelBlobLayout.PublishIdKey, publishId), (ModelBlobLayout.ByKey, actor), (ModelBlobLayout.AtKey, claimedAt.ToString("O", CultureInfo.InvariantCulture)));
            if (await CreateIfAbsentAsync(ModelBlobLayout.Claim(model, version), BinaryData.FromString($"{{\"publishId\":\"{publishId}\"}}\n"), metadata, cancellationToken).ConfigureAwait(false))
            {
                return (version, claimedAt);
            }
        }

        throw new HttpApiException("concurrent-change", $"No free version number for '{model}' after {MaxClaimAttempts} tries: other publishes are running; retry.");
    }

    /// <summary>Writes the files of a claimed version, the manifest last and only if absent. False when it was committed before (a retry): nothing is rewritten.</summary>
    public async Task<bool> CommitAsync(string model, string version, IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var manifest = Container.GetBlobClient(ModelBlobLayout.VersionFile(model, version, ModelRepository.ManifestFileName));
        if (await manifest.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        foreach (var (file, content) in files.Where(f => f.Key != ModelRepository.ManifestFileName))
        {
            await Container.GetBlobClient(ModelBlobLayout.VersionFile(model, version, file)).UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken).ConfigureAwait(false);
        }

        return await CreateIfAbsentAsync(manifest.Name, BinaryData.FromBytes(files[ModelRepository.ManifestFileName]), null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModelDefaultPointer?> ReadPointerAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await Container.GetBlobClient(ModelBlobLayout.DefaultPointerBlob(model)).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var version = ModelBlobLayout.Unescape(properties.Value.Metadata, ModelBlobLayout.VersionKey);
            return version is null ? null : new ModelDefaultPointer(version, ModelBlobLayout.Unescape(properties.Value.Metadata, ModelBlobLayout.PreviousKey), properties.Value.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Points the default at <paramref name="version"/>, remembering <paramref name="previous"/>;
    /// only if the pointer is still as read (<paramref name="expected"/>, or absent when null).
    /// </summary>
    public async Task WritePointerAsync(string model, string version, string? previous, string actor, ModelDefaultPointer? expected, CancellationToken cancellationToken)
    {
        var at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var metadata = Metadata((ModelBlobLayout.VersionKey, version), (ModelBlobLayout.PreviousKey, previous), (ModelBlobLayout.ByKey, actor), (ModelBlobLayout.AtKey, at));
        var body = BinaryData.FromString($"{{\"version\":\"{version}\"{(previous is null ? "" : $",\"previous\":\"{previous}\"")}}}\n");
        var conditions = expected is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = expected.ETag };
        try
        {
            await Container.GetBlobClient(ModelBlobLayout.DefaultPointerBlob(model)).UploadAsync(body, new BlobUploadOptions { Metadata = metadata, Conditions = conditions }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new HttpApiException("concurrent-change", $"The default of '{model}' changed while this request ran; read it again and retry.");
        }
    }

    /// <summary>Marks a version retired. False when it already was.</summary>
    public Task<bool> RetireAsync(string model, string version, string actor, string? reason, CancellationToken cancellationToken) =>
        CreateIfAbsentAsync(ModelBlobLayout.Retired(model, version), BinaryData.FromString("retired\n"), Decision(actor, reason), cancellationToken);

    /// <summary>Marks the model unloaded. False when it already was.</summary>
    public Task<bool> UnloadAsync(string model, string actor, string? reason, CancellationToken cancellationToken) =>
        CreateIfAbsentAsync(ModelBlobLayout.Unloaded(model), BinaryData.FromString("unloaded\n"), Decision(actor, reason), cancellationToken);

    /// <summary>Removes the unloaded mark. False when there was none.</summary>
    public async Task<bool> LoadAsync(string model, CancellationToken cancellationToken) =>
        (await Container.GetBlobClient(ModelBlobLayout.Unloaded(model)).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Records a change in the model's history, once per <see cref="ModelChange.Id"/>.</summary>
    public async Task RecordAsync(ModelChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var json = JsonSerializer.SerializeToUtf8Bytes(change, ModelStoreJsonContext.Default.ModelChange);
        await CreateIfAbsentAsync(ModelBlobLayout.History(change.Model, change.Id), BinaryData.FromBytes(json), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The model's history, oldest first.</summary>
    public async Task<IReadOnlyList<ModelChange>> HistoryAsync(string model, CancellationToken cancellationToken)
    {
        var changes = new List<ModelChange>();
        try
        {
            await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, ModelBlobLayout.HistoryPrefix(model), cancellationToken).ConfigureAwait(false))
            {
                var content = await Container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                if (JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, ModelStoreJsonContext.Default.ModelChange) is { } change)
                {
                    changes.Add(change);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }

        return [.. changes.OrderBy(c => c.At).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    private static Dictionary<string, string> Decision(string actor, string? reason) =>
        Metadata((ModelBlobLayout.ByKey, actor), (ModelBlobLayout.AtKey, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)), (ModelBlobLayout.ReasonKey, reason));

    private static Dictionary<string, string> Metadata(params (string Key, string? Value)[] entries) =>
        entries.Where(e => !string.IsNullOrEmpty(e.Value)).ToDictionary(e => e.Key, e => ModelBlobLayout.Escape(e.Value!), StringComparer.Ordinal);

    /// <summary>Creates the blob unless it exists; true when this call created it.</summary>
    private async Task<bool> CreateIfAbsentAsync(string name, BinaryData content, IDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(name).UploadAsync(content, new BlobUploadOptions { Metadata = metadata, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }
}
