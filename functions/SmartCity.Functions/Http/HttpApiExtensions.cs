using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SmartCity.Functions.Http;

public static class HttpApiExtensions
{
    /// <summary>HTTP API settings (validated at start) and the error middleware for HTTP functions.</summary>
    public static IHostApplicationBuilder AddHttpApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpApiOptions>()
            .BindConfiguration(HttpApiOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (builder is FunctionsApplicationBuilder functions)
        {
            functions.UseWhen<ProblemDetailsMiddleware>(context => context.FunctionDefinition.InputBindings.Values.Any(b => b.Type == "httpTrigger"));
        }

        return builder;
    }
}
