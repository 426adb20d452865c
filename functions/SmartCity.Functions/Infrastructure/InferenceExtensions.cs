using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Infrastructure;

public static class InferenceExtensions
{
    /// <summary>
    /// The engine, its options (validated at start, naming the key) and a hosted service that
    /// warms the configured models in the background, so start-up does not wait for them.
    /// </summary>
    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InferenceOptions>()
            .BindConfiguration(InferenceOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.WarmUpModelNames.All(n => n.Length > 0), $"{InferenceOptions.Section}:WarmUpModels must be a comma-separated list of model names.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<InferenceOptions>, ModelsPathValidation>();
        builder.Services.AddSingleton(sp => new ModelRepository(sp.GetRequiredService<IOptions<InferenceOptions>>().Value.ResolvedModelsPath));
        builder.Services.AddSingleton(sp => new InferenceEngine(
            sp.GetRequiredService<ModelRepository>(),
            sp.GetRequiredService<IOptions<InferenceOptions>>().Value,
            sp.GetRequiredService<ILogger<InferenceEngine>>()));
        builder.Services.AddHostedService<ModelWarmUpService>();
        return builder;
    }

    /// <summary>Checks at start that the models folder exists and every warm-up model is in it.</summary>
    private sealed class ModelsPathValidation : IValidateOptions<InferenceOptions>
    {
        public ValidateOptionsResult Validate(string? name, InferenceOptions options)
        {
            var path = options.ResolvedModelsPath;
            if (!Directory.Exists(path))
            {
                return ValidateOptionsResult.Fail($"{InferenceOptions.Section}:ModelsPath: the folder '{path}' does not exist.");
            }

            ModelRepository repository;
            try
            {
                repository = new ModelRepository(path);
            }
            catch (InferenceException ex)
            {
                return ValidateOptionsResult.Fail($"{InferenceOptions.Section}:ModelsPath: {ex.Message}");
            }

            var missing = options.WarmUpModelNames.Where(n => !repository.Names.Contains(n)).ToList();
            return missing.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{InferenceOptions.Section}:WarmUpModels names models that are not in '{path}': {string.Join(", ", missing)}.");
        }
    }

    /// <summary>Starts the warm-up without blocking start-up; readiness reports it.</summary>
    private sealed class ModelWarmUpService(InferenceEngine engine) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = engine.StartWarmUp(CancellationToken.None);
            return Task.CompletedTask;
        }

        // The container disposes the engine (and its sessions) when the host stops.
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
