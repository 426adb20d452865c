using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Models;

namespace SmartCity.Inference.Hosting;

/// <summary>
/// The one cross-check of settings against the repository: every model any setting names
/// (<see cref="IModelReferences"/>) must be in it. Runs at start, after the options are
/// validated (and after the first read of an external source, <see cref="ModelRepositoryRefreshService"/>),
/// and stops the app with every missing name and the key that holds it.
/// </summary>
internal sealed class ModelReferenceCheck(ModelRepository repository, IEnumerable<IModelReferences> references) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Known in any state: a model an operator unloaded is still a valid name.
        var failures = references
            .SelectMany(r => r.References)
            .Where(r => !repository.Contains(r.Model))
            .GroupBy(r => r.Setting, StringComparer.Ordinal)
            .Select(g => $"{g.Key} names models that are not in '{repository.Path}': {string.Join(", ", g.Select(r => r.Model).Distinct(StringComparer.Ordinal))}.")
            .ToList();
        return failures.Count == 0
            ? Task.CompletedTask
            : throw new OptionsValidationException(InferenceOptions.Section, typeof(InferenceOptions), failures);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
