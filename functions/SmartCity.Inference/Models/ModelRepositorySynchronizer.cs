using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Models;

/// <summary>
/// Keeps the served repository in step with the external source (<see cref="IModelVersionSource"/>):
/// every refresh lists the source, fetches new versions into the local cache, validates their
/// manifests and proves each one loads and runs (<see cref="InferenceEngine.ValidateAsync"/>)
/// before it is served, then swaps the whole repository at once. A version that fails is
/// reported unavailable with its reason and never becomes the default: the default is the
/// version the <c>default</c> pointer names, else the one it named before, else the highest
/// served version. Retired versions and unloaded models are dropped, and the engine lets go of
/// their sessions. Everything is decided from the source alone, so every instance reaches the
/// same repository; what is kept in memory is only a cache of what was already checked.
/// </summary>
public sealed partial class ModelRepositorySynchronizer : IDisposable
{
    /// <summary>How long a released version's batcher and sessions live on for requests already inside.</summary>
    public static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(10);

    private readonly InferenceEngine _engine;
    private readonly IModelVersionSource? _source;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, CheckedVersion> _checked = new(StringComparer.Ordinal);

    public ModelRepositorySynchronizer(InferenceEngine engine, IEnumerable<IModelVersionSource> sources, ILogger<ModelRepositorySynchronizer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sources);
        _engine = engine;
        var all = sources.ToList();
        _source = all.Count <= 1 ? all.SingleOrDefault() : throw new InvalidOperationException("Only one external model source can be registered.");
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The external source, or null when the bundled folder is all there is.</summary>
    public IModelVersionSource? Source => _source;

    /// <summary>When the last refresh completed.</summary>
    public DateTimeOffset? LastRefreshed { get; private set; }

    /// <summary>Why the last refresh failed (the source could not be listed), or null.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>
    /// Lists the source and serves what it holds. Returns false (and keeps serving what it served)
    /// when the source cannot be listed. One refresh runs at a time.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (_source is null)
        {
            LastRefreshed = DateTimeOffset.UtcNow;
            return true;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ModelSourceListing listing;
            try
            {
                listing = await _source.ListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LastFailure = $"{_source.Description} cannot be listed: {ex.Message}";
                LogListFailed(_logger, _source.Description, ex.Message);
                return false;
            }

            await ApplyAsync(listing, cancellationToken).ConfigureAwait(false);
            LastRefreshed = DateTimeOffset.UtcNow;
            LastFailure = null;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyAsync(ModelSourceListing listing, CancellationToken cancellationToken)
    {
        var repository = _engine.Repository;
        var previous = repository.Contents;
        var states = new List<ModelVersionState>();
        var served = new List<ModelVersion>();
        var bundledIds = repository.Bundled.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var version in repository.Bundled)
        {
            if (listing.Control(version.Name).Retired.TryGetValue(version.Version, out var retired))
            {
                states.Add(new ModelVersionState(version.Name, version.Version, ModelAvailability.Unavailable, $"retired ({retired})", ModelVersionState.Bundled));
            }
            else
            {
                served.Add(version);
                states.Add(new ModelVersionState(version.Name, version.Version, ModelAvailability.Ready, null, ModelVersionState.Bundled));
            }
        }

        var source = _source!.Description;
        var next = new Dictionary<string, CheckedVersion>(StringComparer.Ordinal);
        var fetched = new List<(ModelSourceVersion Listed, ModelVersionFolder Folder)>();
        foreach (var listed in listing.Versions)
        {
            if (bundledIds.Contains(listed.Id))
            {
                states.Add(new ModelVersionState(listed.Name, listed.Version, ModelAvailability.Unavailable, "the bundled folder has a version with this number; the bundled one is served", source));
            }
            else if (listing.Control(listed.Name).Retired.TryGetValue(listed.Version, out var retired))
            {
                states.Add(new ModelVersionState(listed.Name, listed.Version, ModelAvailability.Unavailable, $"retired ({retired})", source));
            }
            else if (_checked.TryGetValue(listed.Id, out var known) && known.Fingerprint == listed.Fingerprint)
            {
                next[listed.Id] = known;
                Add(known, listed, source, served, states);
            }
            else
            {
                try
                {
                    var directory = await _source.FetchAsync(listed, cancellationToken).ConfigureAwait(false);
                    fetched.Add((listed, new ModelVersionFolder(listed.Name, listed.Version, directory)));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Not remembered: the next refresh tries again.
                    states.Add(new ModelVersionState(listed.Name, listed.Version, ModelAvailability.Unavailable, $"cannot be fetched from {source}: {ex.Message}", source));
                    LogUnavailable(_logger, listed.Id, ex.Message);
                }
            }
        }

        await CheckAsync(fetched, source, served, states, next, cancellationToken).ConfigureAwait(false);
        var (defaults, unloaded) = Decide(listing, served, states);
        var inUse = LoadedDefaults(previous);
        repository.Apply(new ModelRepositoryContents(served, states, defaults, unloaded));
        _checked = next;
        _engine.ReleaseUnserved(ReleaseGrace);
        await WarmNewDefaultsAsync(inUse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates the manifests of newly fetched versions and proves each loads and runs.</summary>
    private async Task CheckAsync(List<(ModelSourceVersion Listed, ModelVersionFolder Folder)> fetched, string source, List<ModelVersion> served, List<ModelVersionState> states, Dictionary<string, CheckedVersion> next, CancellationToken cancellationToken)
    {
        if (fetched.Count == 0)
        {
            return;
        }

        var failures = new Dictionary<string, Exception>(StringComparer.Ordinal);
        var loaded = ModelRepository.LoadVersions([.. fetched.Select(f => f.Folder)], served, failures).ToDictionary(v => v.Id, StringComparer.Ordinal);
        foreach (var (listed, _) in fetched)
        {
            CheckedVersion result;
            if (loaded.TryGetValue(listed.Id, out var version))
            {
                try
                {
                    await _engine.ValidateAsync(version, cancellationToken).ConfigureAwait(false);
                    result = new CheckedVersion(listed.Fingerprint, version, null);
                    LogServing(_logger, listed.Id, source);
                }
                catch (InferenceException ex)
                {
                    result = new CheckedVersion(listed.Fingerprint, null, ex.Message);
                }
            }
            else
            {
                result = new CheckedVersion(listed.Fingerprint, null, failures.TryGetValue(listed.Id, out var failure) ? failure.Message : "its manifest cannot be read.");
            }

            if (result.Failure is { } reason)
            {
                LogUnavailable(_logger, listed.Id, reason);
            }

            next[listed.Id] = result;
            Add(result, listed, source, served, states);
        }
    }

    private static void Add(CheckedVersion result, ModelSourceVersion listed, string source, List<ModelVersion> served, List<ModelVersionState> states)
    {
        if (result.Version is { } version)
        {
            served.Add(version);
            states.Add(new ModelVersionState(listed.Name, listed.Version, ModelAvailability.Ready, null, source));
        }
        else
        {
            states.Add(new ModelVersionState(listed.Name, listed.Version, ModelAvailability.Unavailable, result.Failure, source));
        }
    }

    /// <summary>The default of each model (pointer, else the version it replaced, else the highest served) and the unloaded models, whose versions are then unavailable.</summary>
    private static (Dictionary<string, string> Defaults, Dictionary<string, string> Unloaded) Decide(ModelSourceListing listing, List<ModelVersion> served, List<ModelVersionState> states)
    {
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        var unloaded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in states.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList()) // a copy: the loop rewrites states
        {
            var control = listing.Control(name);
            if (control.Unloaded is { } why)
            {
                unloaded[name] = why;
                for (var i = 0; i < states.Count; i++)
                {
                    if (states[i].Name == name && states[i].State == ModelAvailability.Ready)
                    {
                        states[i] = states[i] with { State = ModelAvailability.Unavailable, Reason = $"unloaded ({why})" };
                    }
                }

                continue;
            }

            var versions = served.Where(v => v.Name == name).Select(v => v.Version).ToHashSet(StringComparer.Ordinal);
            var chosen = new[] { control.DefaultVersion, control.PreviousDefault }.FirstOrDefault(v => v is not null && versions.Contains(v))
                ?? versions.Max(ModelRepository.VersionOrder);
            if (chosen is not null)
            {
                defaults[name] = chosen;
            }
        }

        return (defaults, unloaded);
    }

    /// <summary>The default version of each model whose default is loaded now.</summary>
    private Dictionary<string, string> LoadedDefaults(ModelRepositoryContents contents)
    {
        var loaded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, versions) in contents.Served)
        {
            var current = Array.Find(versions, v => v.Version == contents.Defaults.GetValueOrDefault(name)) ?? versions[^1];
            if (_engine.IsLoaded(current))
            {
                loaded[name] = current.Version;
            }
        }

        return loaded;
    }

    /// <summary>
    /// Loads the new default of each model whose old default was loaded, so that a model in use
    /// does not make its next caller wait for the load.
    /// </summary>
    private async Task WarmNewDefaultsAsync(Dictionary<string, string> inUse, CancellationToken cancellationToken)
    {
        var current = _engine.Repository.Contents;
        foreach (var (name, version) in current.Defaults)
        {
            if (!inUse.TryGetValue(name, out var before) || before == version || current.Unloaded.ContainsKey(name))
            {
                continue;
            }

            try
            {
                await _engine.WarmUpAsync(_engine.Repository.Get(name, version), cancellationToken).ConfigureAwait(false);
            }
            catch (InferenceException ex)
            {
                LogUnavailable(_logger, $"{name}/{version}", ex.Message);
            }
        }
    }

    public void Dispose() => _gate.Dispose();

    private sealed record CheckedVersion(string Fingerprint, ModelVersion? Version, string? Failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model repository keeps what it served: {Source} cannot be listed: {Problem}")]
    private static partial void LogListFailed(ILogger logger, string source, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model} from {Source}")]
    private static partial void LogServing(ILogger logger, string model, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model} is unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string model, string reason);
}
