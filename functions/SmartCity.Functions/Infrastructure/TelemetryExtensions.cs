using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SmartCity.Functions.Infrastructure;

public static class TelemetryExtensions
{
    /// <summary>
    /// Application Insights from the worker (authenticated with Entra ID in Azure through
    /// APPLICATIONINSIGHTS_AUTHENTICATION_STRING). Off when no connection string is set.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            builder.Services.AddApplicationInsightsTelemetryWorkerService();
            builder.Services.ConfigureFunctionsApplicationInsights();
            // The worker's default filter drops Information logs to Application Insights; keep them.
            builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
            {
                var rule = options.Rules.FirstOrDefault(r => r.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
                if (rule is not null)
                {
                    options.Rules.Remove(rule);
                }
            });
        }

        return builder;
    }
}
