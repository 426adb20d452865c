using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;

namespace SmartCity.Functions.Http;

public static class HttpApiExtensions
{
    /// <summary>HTTP API settings (validated at start), the request/response mappers the functions call, and the error middleware.</summary>
    public static IHostApplicationBuilder AddHttpApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpApiOptions>().BindConfiguration(HttpApiOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpApiOptions>, HttpApiOptionsValidator>());
        builder.Services.AddSingleton<PredictHandler>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<OpenInference.OpenInferenceHandler>();
        builder.Services.AddOptions<CustomVision.CustomVisionOptions>().BindConfiguration(CustomVision.CustomVisionOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CustomVision.CustomVisionOptions>, CustomVision.CustomVisionOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<SmartCity.Inference.Hosting.IModelReferences, CustomVision.CustomVisionModelReferences>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CustomVision.CustomVisionHandler>();
        if (builder is FunctionsApplicationBuilder functions)
        {
            functions.UseWhen<ProblemDetailsMiddleware>(context => context.FunctionDefinition.InputBindings.Values.Any(b => b.Type == "httpTrigger"));
        }

        return builder;
    }
}
