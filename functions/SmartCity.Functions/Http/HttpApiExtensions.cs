using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using SmartCity.Functions.Http.CustomVision;

namespace SmartCity.Functions.Http;

public static class HttpApiExtensions
{
    /// <summary>HTTP API settings (validated at start), the request/response mappers the functions call, and the error middleware.</summary>
    public static IHostApplicationBuilder AddHttpApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpApiOptions();
        builder.Services.AddSingleton<PredictHandler>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<OpenInference.OpenInferenceHandler>();
        builder.Services.AddSingleton<Repository.RepositoryHandler>();
        builder.Services.AddOptions<CustomVision.CustomVisionOptions>().BindConfiguration(CustomVision.CustomVisionOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CustomVision.CustomVisionOptions>, CustomVision.CustomVisionOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<SmartCity.Inference.Hosting.IModelReferences, CustomVision.CustomVisionModelReferences>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddCustomVisionImageUrls();
        builder.Services.AddSingleton<CustomVision.CustomVisionHandler>();
        if (builder is FunctionsApplicationBuilder functions)
        {
            functions.UseWhen<ProblemDetailsMiddleware>(context => context.FunctionDefinition.InputBindings.Values.Any(b => b.Type == "httpTrigger"));
        }

        return builder;
    }

    /// <summary>
    /// <see cref="HttpApiOptions"/> bound from <c>Http</c> and validated at start, against its own
    /// limits and the engine's queue length; a failure names the key.
    /// </summary>
    public static IServiceCollection AddHttpApiOptions(this IServiceCollection services)
    {
        services.AddOptions<HttpApiOptions>().BindConfiguration(HttpApiOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpApiOptions>, HttpApiOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpApiOptions>, HttpApiLimitsValidation>());
        return services;
    }
}
