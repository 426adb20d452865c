using Microsoft.Extensions.Logging;
using SmartCity.Functions.Http;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Models;

/// <summary>
/// What operators decide about published models, written to the repository container so that
/// every instance follows within the refresh interval: the default version (set, rolled back),
/// retired versions, unloaded models. Each change is recorded in the model's history, and this
/// instance's repository is refreshed before and after, so the caller sees the result at once.
/// </summary>
public sealed partial class ModelVersionControl(InferenceEngine engine, ModelRepositorySynchronizer synchronizer, ModelRepositoryStore store, ILogger<ModelVersionControl> logger)
{
    private ModelRepository Repository => engine.Repository;

    /// <summary>Makes <paramref name="version"/> the default; it must be served now. Setting the current default again changes nothing.</summary>
    public async Task<DefaultChange> SetDefaultAsync(string model, string version, string actor, string? reason, string? changeId, CancellationToken cancellationToken)
    {
        await synchronizer.RefreshAsync(cancellationToken);
        RequireServable(model, version, "be the default");
        var pointer = await store.ReadPointerAsync(model, cancellationToken);
        var current = CurrentDefault(model, pointer);
        if (pointer?.Version == version)
        {
            return new DefaultChange(model, version, pointer.Previous);
        }

        var previous = current == version ? pointer?.Previous : current;
        await store.WritePointerAsync(model, version, previous, actor, pointer, cancellationToken);
        await RecordAsync(new ModelChange(changeId ?? NewId(), model, ModelChange.SetDefault, version, current, actor, DateTimeOffset.UtcNow, reason), cancellationToken);
        return new DefaultChange(model, version, previous);
    }

    /// <summary>Points the default back at the version it named before the last change.</summary>
    public async Task<DefaultChange> RollBackAsync(string model, string actor, string? reason, CancellationToken cancellationToken)
    {
        await synchronizer.RefreshAsync(cancellationToken);
        RequireKnown(model);
        var pointer = await store.ReadPointerAsync(model, cancellationToken);
        if (pointer?.Previous is not { } target)
        {
            throw new HttpApiException("no-previous-default", $"Model '{model}' has no previous default to roll back to (its default was never changed through this API).");
        }

        RequireServable(model, target, "be rolled back to");
        await store.WritePointerAsync(model, target, pointer.Version, actor, pointer, cancellationToken);
        await RecordAsync(new ModelChange(NewId(), model, ModelChange.Rollback, target, pointer.Version, actor, DateTimeOffset.UtcNow, reason), cancellationToken);
        return new DefaultChange(model, target, pointer.Version);
    }

    /// <summary>Retires a version: no instance serves it any more. The version the default pointer names cannot be retired.</summary>
    public async Task RetireAsync(string model, string version, string actor, string? reason, CancellationToken cancellationToken)
    {
        await synchronizer.RefreshAsync(cancellationToken);
        if (!Repository.Index.Any(s => s.Name == model && s.Version == version))
        {
            throw new ModelNotFoundException(model, version);
        }

        var pointer = await store.ReadPointerAsync(model, cancellationToken);
        if (pointer?.Version == version)
        {
            throw new HttpApiException("version-is-default", $"Version '{version}' is the default of '{model}': set another default (or roll back) before retiring it.");
        }

        if (await store.RetireAsync(model, version, actor, reason, cancellationToken))
        {
            await RecordAsync(new ModelChange(NewId(), model, ModelChange.Retire, version, null, actor, DateTimeOffset.UtcNow, reason), cancellationToken);
        }
        else
        {
            await synchronizer.RefreshAsync(cancellationToken);
        }
    }

    /// <summary>Unloads a model on every instance: its versions are not served until it is loaded again.</summary>
    public async Task UnloadAsync(string model, string actor, string? reason, CancellationToken cancellationToken)
    {
        await synchronizer.RefreshAsync(cancellationToken);
        RequireKnown(model);
        if (await store.UnloadAsync(model, actor, reason, cancellationToken))
        {
            await RecordAsync(new ModelChange(NewId(), model, ModelChange.Unload, null, null, actor, DateTimeOffset.UtcNow, reason), cancellationToken);
        }
        else
        {
            await synchronizer.RefreshAsync(cancellationToken);
        }
    }

    /// <summary>Loads a model again (every instance serves it within the refresh interval) and loads its default here.</summary>
    public async Task LoadAsync(string model, string actor, string? reason, CancellationToken cancellationToken)
    {
        await synchronizer.RefreshAsync(cancellationToken);
        RequireKnown(model);
        if (await store.LoadAsync(model, cancellationToken))
        {
            await RecordAsync(new ModelChange(NewId(), model, ModelChange.Load, null, null, actor, DateTimeOffset.UtcNow, reason), cancellationToken);
        }
        else
        {
            await synchronizer.RefreshAsync(cancellationToken);
        }

        await engine.WarmUpAsync(Repository.Get(model), cancellationToken);
    }

    /// <summary>
    /// Before a version is published without becoming the default: when the model has no pointer,
    /// points it at the current default, so the new (highest) version does not take over by itself.
    /// </summary>
    public async Task PinDefaultAsync(string model, string actor, CancellationToken cancellationToken)
    {
        await synchronizer.RefreshAsync(cancellationToken);
        if (await store.ReadPointerAsync(model, cancellationToken) is not null || CurrentDefault(model, null) is not { } current)
        {
            return;
        }

        try
        {
            await store.WritePointerAsync(model, current, null, actor, null, cancellationToken);
            LogPinned(logger, model, current);
        }
        catch (HttpApiException ex) when (ex.Code == "concurrent-change")
        {
            // Someone set a pointer meanwhile: that one stands.
        }
    }

    /// <summary>The default as this instance serves it: the pointer's version when served, else the highest served; null when nothing is served.</summary>
    private string? CurrentDefault(string model, ModelDefaultPointer? pointer)
    {
        var contents = Repository.Contents;
        if (!contents.Served.TryGetValue(model, out var versions) || versions.Length == 0)
        {
            return null;
        }

        return contents.Defaults.GetValueOrDefault(model) ?? pointer?.Version ?? versions[^1].Version;
    }

    private void RequireKnown(string model)
    {
        if (!Repository.Contains(model))
        {
            throw new ModelNotFoundException(model, null);
        }
    }

    private void RequireServable(string model, string version, string purpose)
    {
        RequireKnown(model);
        var contents = Repository.Contents;
        if (contents.Served.TryGetValue(model, out var versions) && Array.Exists(versions, v => v.Version == version))
        {
            return;
        }

        var state = Repository.Index.FirstOrDefault(s => s.Name == model && s.Version == version)
            ?? throw new ModelNotFoundException(model, version);
        throw new HttpApiException("version-not-servable", $"Version '{version}' of '{model}' cannot {purpose}: it is unavailable ({state.Reason}).");
    }

    private async Task RecordAsync(ModelChange change, CancellationToken cancellationToken)
    {
        await store.RecordAsync(change, cancellationToken);
        await synchronizer.RefreshAsync(cancellationToken);
        LogChanged(logger, change.Model, change.Action, change.Version, change.Actor);
    }

    private static string NewId() => $"{DateTimeOffset.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}"[..32];

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: {Action} {Version} by {Actor}")]
    private static partial void LogChanged(ILogger logger, string model, string action, string? version, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: default pinned to {Version} before a version was published without promotion")]
    private static partial void LogPinned(ILogger logger, string model, string version);
}
