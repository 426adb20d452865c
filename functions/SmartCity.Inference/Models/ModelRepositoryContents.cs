namespace SmartCity.Inference.Models;

/// <summary>
/// What the repository serves at one moment, swapped as a whole (<see cref="ModelRepository.Apply"/>)
/// so a request never sees half a refresh: the servable versions per model, the default per model,
/// the unloaded models, and the state of every version it knows (the repository index).
/// </summary>
public sealed class ModelRepositoryContents
{
    public ModelRepositoryContents(
        IEnumerable<ModelVersion> served,
        IEnumerable<ModelVersionState> states,
        IReadOnlyDictionary<string, string>? defaults = null,
        IReadOnlyDictionary<string, string>? unloaded = null)
    {
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(states);
        Served = served
            .GroupBy(v => v.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(v => v.Version, ModelRepository.VersionOrder).ToArray(), StringComparer.Ordinal);
        States = [.. states.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Version, ModelRepository.VersionOrder)];
        Defaults = defaults ?? new Dictionary<string, string>(StringComparer.Ordinal);
        Unloaded = unloaded ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>Every served version of each model, lowest first.</summary>
    public IReadOnlyDictionary<string, ModelVersion[]> Served { get; }

    /// <summary>Every version the repository knows, served or not, by name then version.</summary>
    public IReadOnlyList<ModelVersionState> States { get; }

    /// <summary>The default version per model where it is not simply the highest served one.</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; }

    /// <summary>Models an operator unloaded, with why.</summary>
    public IReadOnlyDictionary<string, string> Unloaded { get; }

    /// <summary>Only the given versions, all ready (the bundled folder alone).</summary>
    public static ModelRepositoryContents Of(IReadOnlyList<ModelVersion> versions) =>
        new(versions, versions.Select(v => new ModelVersionState(v.Name, v.Version, ModelAvailability.Ready, null, ModelVersionState.Bundled)));
}
