using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Models;

namespace SmartCity.Functions.Models;

/// <summary>
/// The model repository container as the engine's external source: one flat listing (with
/// metadata) gives every version with the ETags of its files, the default pointers, the unloaded
/// models and the retired versions. A version is fetched into the cache folder under a name made
/// of its fingerprint, downloaded into a scratch folder first and moved into place once complete,
/// so a half-downloaded copy is never used; each file is read with the ETag it was listed with.
/// </summary>
public sealed class BlobModelVersionSource : IModelVersionSource
{
    private readonly BlobContainerClient _container;
    private readonly string _cacheRoot;
    private readonly ConcurrentDictionary<string, IReadOnlyList<(string File, ETag ETag)>> _files = new(StringComparer.Ordinal);

    public BlobModelVersionSource(ModelStorageClients clients, IOptions<ModelRepositoryOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Blobs.GetBlobContainerClient(options.Value.Container), options.Value.ResolvedCachePath)
    {
    }

    public BlobModelVersionSource(BlobContainerClient container, string cacheRoot)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
        _cacheRoot = Path.Combine(cacheRoot, Hash($"{container.Uri}")[..12]);
    }

    public string Description => $"blob container '{_container.Name}'";

    public async Task<ModelSourceListing> ListAsync(CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, List<(string File, ETag ETag)>>(StringComparer.Ordinal);
        var controls = new Dictionary<string, ControlBuilder>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken).ConfigureAwait(false))
            {
                var blob = ModelBlobLayout.Parse(item.Name);
                var control = blob.Model is { } model ? controls.TryGetValue(model, out var existing) ? existing : controls[model] = new ControlBuilder() : null;
                switch (blob.Kind)
                {
                    case ModelBlobKind.VersionFile:
                        var id = $"{blob.Model}/{blob.Version}";
                        (files.TryGetValue(id, out var list) ? list : files[id] = []).Add((blob.File!, item.Properties.ETag ?? default));
                        break;
                    case ModelBlobKind.DefaultPointer:
                        control!.Default = ModelBlobLayout.Unescape(item.Metadata, ModelBlobLayout.VersionKey);
                        control.Previous = ModelBlobLayout.Unescape(item.Metadata, ModelBlobLayout.PreviousKey);
                        break;
                    case ModelBlobKind.Unloaded:
                        control!.Unloaded = Why(item.Metadata, "unloaded");
                        break;
                    case ModelBlobKind.Retired:
                        control!.Retired[blob.Version!] = Why(item.Metadata, "retired");
                        break;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return ModelSourceListing.Empty;
        }

        var versions = new List<ModelSourceVersion>();
        foreach (var (id, versionFiles) in files)
        {
            if (!versionFiles.Any(f => f.File == ModelRepository.ManifestFileName))
            {
                continue; // not committed yet: the manifest is written last
            }

            var slash = id.IndexOf('/', StringComparison.Ordinal);
            var sorted = versionFiles.OrderBy(f => f.File, StringComparer.Ordinal).ToList();
            var fingerprint = Hash(string.Join('\n', sorted.Select(f => $"{f.File}:{f.ETag}")))[..16];
            _files[$"{id}@{fingerprint}"] = sorted;
            versions.Add(new ModelSourceVersion(id[..slash], id[(slash + 1)..], fingerprint));
        }

        return new ModelSourceListing(versions, controls.ToDictionary(c => c.Key, c => c.Value.Build(), StringComparer.Ordinal));
    }

    public async Task<string> FetchAsync(ModelSourceVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var target = Path.Combine(_cacheRoot, version.Name, version.Version, version.Fingerprint);
        if (Directory.Exists(target))
        {
            return target;
        }

        if (!_files.TryGetValue($"{version.Id}@{version.Fingerprint}", out var files))
        {
            throw new InvalidOperationException($"{version.Id} was not in the last listing of {Description}.");
        }

        var scratch = Path.Combine(_cacheRoot, ".partial", Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var (file, etag) in files)
            {
                var path = Path.Combine(scratch, file.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var options = new BlobDownloadToOptions { Conditions = new BlobRequestConditions { IfMatch = etag } };
                await _container.GetBlobClient(ModelBlobLayout.VersionFile(version.Name, version.Version, file)).DownloadToAsync(path, options, cancellationToken).ConfigureAwait(false);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                Directory.Move(scratch, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another refresh fetched the same files first.
            }

            return target;
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static string Why(IDictionary<string, string>? metadata, string what)
    {
        var by = ModelBlobLayout.Unescape(metadata, ModelBlobLayout.ByKey) ?? "an operator";
        var at = ModelBlobLayout.Unescape(metadata, ModelBlobLayout.AtKey);
        var reason = ModelBlobLayout.Unescape(metadata, ModelBlobLayout.ReasonKey);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{what} by {by}"));
        if (at is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" at {at}");
        }

        if (!string.IsNullOrWhiteSpace(reason))
        {
            text.Append(CultureInfo.InvariantCulture, $": {reason}");
        }

        return text.ToString();
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private sealed class ControlBuilder
    {
        public string? Default { get; set; }

        public string? Previous { get; set; }

        public string? Unloaded { get; set; }

        public Dictionary<string, string> Retired { get; } = new(StringComparer.Ordinal);

        public ModelControl Build() => new(Default, Previous, Unloaded, Retired);
    }
}
