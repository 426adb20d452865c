using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Hosting;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// The engine and what it needs: <see cref="InferenceOptions"/> bound from <c>Inference</c>
    /// and validated at start (messages name the key), the one <see cref="ModelRepository"/>,
    /// the <see cref="InferenceEngine"/>, the refresh of the repository from an external source
    /// (register an <see cref="IModelVersionSource"/> to have one), a start-up check that every model a setting names is in
    /// the repository (<see cref="IModelReferences"/>), and the background warm-up. Safe to call
    /// more than once: libraries that need the engine call it themselves.
    /// </summary>
    public static IServiceCollection AddInferenceEngine(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>());
        services.TryAddSingleton<ModelRepository>();
        services.TryAddSingleton<InferenceEngine>();
        services.TryAddSingleton<ModelRepositorySynchronizer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelReferences, WarmUpModelReferences>());
        // Hosted services start in order: the external source is read first (when there is one), then
        // the check, so a bad name stops the app before any model loads; then the warm-up.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ModelRepositoryRefreshService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ModelReferenceCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ModelWarmUpService>());
        return services;
    }
}
