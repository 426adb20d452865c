using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Training;

public static class TrainingJobExtensions
{
    /// <summary>
    /// Training jobs and what they need: the model repository they publish to
    /// (<see cref="ModelRepositoryExtensions.AddModelRepository"/>), <see cref="TrainingOptions"/> bound
    /// from <c>Training</c> (plus <c>TrainingJobsQueue</c>) and validated at start, the job store,
    /// queue, data reader, runners and HTTP handlers (training and camera calibration jobs), and the start-up creation of the queues.
    /// </summary>
    public static IServiceCollection AddTrainingJobs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddModelRepository();
        services.AddOptions<TrainingOptions>()
            .BindConfiguration(TrainingOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.Queue = configuration[TrainingOptions.QueueSetting] ?? options.Queue)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrainingOptions>, TrainingOptionsValidator>());
        services.TryAddSingleton<TrainingJobStore>();
        services.TryAddSingleton<TrainingStepSender>();
        services.TryAddSingleton<TrainingDataReader>();
        services.TryAddSingleton<TrainingJobRunner>();
        services.TryAddSingleton<TrainingJobHandler>();
        services.TryAddSingleton<CalibrationJobRunner>();
        services.TryAddSingleton<CalibrationJobHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TrainingStorageSetup>());
        return services;
    }
}
