using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Hosting;
using SmartCity.Inference.Models;

namespace SmartCity.Functions.Models;

public static class ModelRepositoryExtensions
{
    /// <summary>
    /// The model repository in Blob Storage beside the bundled folder: <see cref="ModelRepositoryOptions"/>
    /// bound from <c>ModelRepository</c> and validated at start with the <c>ModelStorage</c>
    /// connection, the container as the engine's external source (refreshed every
    /// <c>Inference:RepositoryRefreshSeconds</c>), the store, the publisher and the version control.
    /// </summary>
    public static IServiceCollection AddModelRepository(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddInferenceEngine();
        services.AddOptions<ModelRepositoryOptions>().BindConfiguration(ModelRepositoryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelRepositoryOptions>, ModelRepositoryOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelRepositoryOptions>, ModelStorageConnectionValidation>());
        services.TryAddSingleton<ModelStorageClients>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelVersionSource, BlobModelVersionSource>());
        services.TryAddSingleton<ModelRepositoryStore>();
        services.TryAddSingleton<ModelVersionControl>();
        services.TryAddSingleton<ModelPublisher>();
        return services;
    }
}
