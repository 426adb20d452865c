using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Inference.Cameras;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Cameras;

public static class CameraPipelineExtensions
{
    /// <summary>
    /// The camera pipeline: its options (validated at start, naming the key), the
    /// <c>CameraStorage</c> clients the results are written with, the classifier and the query.
    /// Needs <c>AddInference()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddCameraPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CameraPipelineOptions>()
            .BindConfiguration(CameraPipelineOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.ImagesContainer = configuration[CameraPipelineOptions.ImagesContainerSetting] ?? string.Empty)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CameraPipelineOptions>, CameraPipelineOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<CameraPipelineOptions>, CameraEnvironmentValidation>();
        builder.Services.AddSingleton(sp => CameraStorageConnection.CreateBlobServiceClient(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(sp => CameraStorageConnection.CreateTableServiceClient(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(sp => new CameraResultStore(
            sp.GetRequiredService<BlobServiceClient>(),
            sp.GetRequiredService<TableServiceClient>(),
            sp.GetRequiredService<IOptions<CameraPipelineOptions>>().Value));
        builder.Services.AddSingleton(sp => new CameraImageClassifier(
            sp.GetRequiredService<InferenceEngine>(),
            sp.GetRequiredService<CameraResultStore>(),
            sp.GetRequiredService<ILogger<CameraImageClassifier>>()));
        builder.Services.AddSingleton(sp => new CameraResultsQuery(sp.GetRequiredService<CameraResultStore>()));
        return builder;
    }

    /// <summary>The connection is configured, and every model in <c>Camera:Models</c> is in the repository.</summary>
    private sealed class CameraEnvironmentValidation(IConfiguration configuration, IServiceProvider services) : IValidateOptions<CameraPipelineOptions>
    {
        public ValidateOptionsResult Validate(string? name, CameraPipelineOptions options)
        {
            var failures = new List<string>();
            if (CameraStorageConnection.Problem(configuration) is { } problem)
            {
                failures.Add(problem);
            }

            ModelRepository? repository = null;
            try
            {
                repository = services.GetService<ModelRepository>();
            }
            catch (Exception ex) when (ex is IOException or SmartCity.Inference.InferenceException)
            {
                // The models folder is reported by the Inference options' own validation.
            }

            var missing = repository is null ? [] : options.ModelNames.Where(m => !repository.Names.Contains(m)).ToList();
            if (missing.Count > 0)
            {
                failures.Add($"{CameraPipelineOptions.Section}:Models names models that are not in '{repository!.Path}': {string.Join(", ", missing)}.");
            }

            var routed = new List<string>();
            try
            {
                routed = [.. options.Routes.SelectMany(r => r.Models).Distinct(StringComparer.Ordinal)];
            }
            catch (FormatException)
            {
                // Reported by CameraPipelineOptionsValidator.
            }

            var missingRouted = repository is null ? [] : routed.Where(m => !repository.Names.Contains(m)).ToList();
            if (missingRouted.Count > 0)
            {
                failures.Add($"{CameraPipelineOptions.Section}:ModelRoutes names models that are not in '{repository!.Path}': {string.Join(", ", missingRouted)}.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
