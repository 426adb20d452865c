namespace SmartCity.Inference.Models;

/// <summary>
/// Where model versions come from besides the bundled <c>models/</c> folder: a store in the same
/// layout (<c>&lt;name&gt;/&lt;version&gt;/model.json</c> plus files) that operators and training jobs
/// publish to, such as a blob container. The served repository is the union of the bundled folder
/// and the source; <see cref="ModelRepositorySynchronizer"/> reads it every refresh interval. A
/// source also carries the per-model decisions (<see cref="ModelControl"/>) for bundled models.
/// </summary>
public interface IModelVersionSource
{
    /// <summary>Where the versions are, for the repository index and messages (e.g. <c>blob container 'models'</c>).</summary>
    string Description { get; }

    /// <summary>The versions and decisions the source holds now.</summary>
    Task<ModelSourceListing> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A local folder with the version's files, as listed (<paramref name="version"/>'s fingerprint):
    /// a cache under the temp folder, never beside the app (the package is read-only in Azure).
    /// </summary>
    Task<string> FetchAsync(ModelSourceVersion version, CancellationToken cancellationToken);
}
