using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SmartCity.Cameras.Storage;
using SmartCity.Inference.Hosting;

namespace SmartCity.Cameras;

public static class CameraPipelineExtensions
{
    /// <summary>
    /// The camera pipeline and everything it needs: the engine (<see cref="InferenceServiceCollectionExtensions.AddInferenceEngine"/>),
    /// <see cref="CameraPipelineOptions"/> bound from <c>Camera</c> (plus <c>CameraImagesContainer</c>)
    /// and validated at start, the models its settings name (checked against the repository),
    /// the <c>CameraStorage</c> connection, the result store, the classifier and the query.
    /// </summary>
    public static IServiceCollection AddCameraPipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddInferenceEngine();
        services.AddOptions<CameraPipelineOptions>()
            .BindConfiguration(CameraPipelineOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.ImagesContainer = configuration[CameraPipelineOptions.ImagesContainerSetting] ?? string.Empty)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CameraPipelineOptions>, CameraPipelineOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CameraPipelineOptions>, CameraStorageConnectionValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelReferences, CameraModelReferences>());
        services.TryAddSingleton<CameraStorageClients>();
        services.TryAddSingleton<CameraResultStore>();
        services.TryAddSingleton<CameraImageClassifier>();
        services.TryAddSingleton<CameraReclassifier>();
        services.TryAddSingleton<CameraResultsQuery>();
        return services;
    }
}
