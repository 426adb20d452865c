using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartCity.Cameras;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Reclassify;

public static class ReclassifyExtensions
{
    /// <summary>
    /// Reclassifying stored camera results: the camera pipeline (<see cref="CameraPipelineExtensions.AddCameraPipeline"/>) and
    /// the model storage (<see cref="ModelRepositoryExtensions.AddModelRepository"/>) it needs, <see cref="ReclassifyOptions"/>
    /// bound from <c>Reclassify</c> (plus <c>ReclassifyQueue</c>) and validated at start, the job store, queue, runner and
    /// HTTP handler, and the start-up creation of the queues and container.
    /// </summary>
    public static IServiceCollection AddReclassification(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCameraPipeline();
        services.AddModelRepository();
        services.AddOptions<ReclassifyOptions>()
            .BindConfiguration(ReclassifyOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.Queue = configuration[ReclassifyOptions.QueueSetting] ?? options.Queue)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReclassifyOptions>, ReclassifyOptionsValidator>());
        services.TryAddSingleton<ReclassifyJobStore>();
        services.TryAddSingleton<ReclassifySender>();
        services.TryAddSingleton<ReclassifyRunner>();
        services.TryAddSingleton<ReclassifyHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReclassifyStorageSetup>());
        return services;
    }
}
