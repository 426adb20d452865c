using Microsoft.Extensions.Logging;
using SmartCity.Functions.Http;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Models;

/// <summary>
/// Publishes a version into the model repository container: the package (manifest, ONNX, labels,
/// card) is validated and run once in a scratch folder before anything is written; then the next
/// version number is claimed for the publish id, the files are written with the manifest last,
/// the change is recorded, and the default pointer is set (promote) or pinned to the current
/// default (otherwise, so the new highest version does not become the default by itself). Every
/// step can be repeated: a retried publish with the same id finds its claim and publishes once.
/// </summary>
public sealed partial class ModelPublisher(InferenceEngine engine, ModelRepositorySynchronizer synchronizer, ModelRepositoryStore store, ModelVersionControl control, ILogger<ModelPublisher> logger)
{
    public async Task<PublishedVersion> PublishAsync(string model, IReadOnlyDictionary<string, byte[]> files, PublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(request);
        CheckNames(model, files);
        await ValidateAsync(model, files, cancellationToken);

        var taken = engine.Repository.Bundled.Where(b => b.Name == model).Select(b => b.Version);
        var (version, claimedAt) = await store.ClaimAsync(model, request.PublishId, request.Actor, taken, cancellationToken);
        if (!request.Promote)
        {
            await control.PinDefaultAsync(model, request.Actor, cancellationToken);
        }

        var created = await store.CommitAsync(model, version, files, cancellationToken);
        await store.RecordAsync(new ModelChange(request.PublishId, model, ModelChange.Publish, version, null, request.Actor, claimedAt, request.Reason), cancellationToken);
        if (request.Promote)
        {
            await control.SetDefaultAsync(model, version, request.Actor, request.Reason, $"{request.PublishId}-default", cancellationToken);
        }
        else
        {
            await synchronizer.RefreshAsync(cancellationToken);
        }

        LogPublished(logger, model, version, request.Actor);
        var isDefault = engine.Repository.Contents.Defaults.GetValueOrDefault(model) == version;
        return new PublishedVersion(model, version, created, isDefault);
    }

    private static void CheckNames(string model, IReadOnlyDictionary<string, byte[]> files)
    {
        if (!ModelBlobLayout.IsModelName(model))
        {
            throw Invalid($"'{model}' is not a model name: letters, digits, '.', '_' and '-', starting with a letter or digit.");
        }

        if (!files.ContainsKey(ModelRepository.ManifestFileName))
        {
            throw Invalid($"The package has no {ModelRepository.ManifestFileName}.");
        }

        if (files.Keys.FirstOrDefault(f => !ModelBlobLayout.IsVersionFileName(f)) is { } bad)
        {
            throw Invalid($"'{bad}' cannot be a file of a version (no empty, '.' or '..' segments, no '{ModelBlobLayout.ClaimFile}' or '{ModelBlobLayout.RetiredMarker}').");
        }
    }

    /// <summary>Reads the manifest as the repository would and runs the model once, in a scratch folder.</summary>
    private async Task ValidateAsync(string model, IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "smartcity-publish", Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(scratch, model, "candidate");
        try
        {
            foreach (var (name, content) in files)
            {
                var path = Path.Combine(folder, name.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, content, cancellationToken);
            }

            var failures = new Dictionary<string, Exception>(StringComparer.Ordinal);
            var known = engine.Repository.Contents.Served.Values.SelectMany(v => v).ToList();
            var loaded = ModelRepository.LoadVersions([new ModelVersionFolder(model, "candidate", folder)], known, failures);
            if (failures.Values.FirstOrDefault() is { } failure)
            {
                throw Invalid(Clean(failure.Message, folder));
            }

            try
            {
                await engine.ValidateAsync(loaded[0], cancellationToken);
            }
            catch (InferenceException ex)
            {
                throw Invalid(Clean(ex.Message, folder));
            }
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static string Clean(string message, string folder) =>
        message.Replace(folder + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal).Replace(folder, "the package", StringComparison.Ordinal);

    private static HttpApiException Invalid(string detail) => HttpApiException.BadRequest("invalid-package", detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Model}/{Version} for {Actor}")]
    private static partial void LogPublished(ILogger logger, string model, string version, string actor);
}
