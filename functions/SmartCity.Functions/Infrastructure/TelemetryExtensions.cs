using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using SmartCity.Cameras.Telemetry;
using SmartCity.Functions.Training;
using SmartCity.Inference.Telemetry;

namespace SmartCity.Functions.Infrastructure;

public static class TelemetryExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The app's own meters (README "Metrics"): the engine, the camera pipeline, the training jobs.</summary>
    public static readonly IReadOnlyList<string> MeterNames = [InferenceMetrics.MeterName, CameraMetrics.MeterName, TrainingJobMetrics.MeterName];

    /// <summary>
    /// Application Insights from the worker, off when no connection string is set. In Azure the
    /// resource refuses instrumentation-key ingestion (local auth disabled), so the worker signs
    /// its telemetry with the managed identity named in <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
    /// (<c>ClientId=&lt;id&gt;;Authorization=AAD</c>, as the Bicep sets it). The host reads that
    /// setting for its own telemetry; the worker's SDK does not, and once the worker reports that it
    /// logs to Application Insights itself the host drops the worker's logs, so without the
    /// credential every worker log and trace would be refused.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration[ConnectionStringSetting]))
        {
            return builder;
        }

        var credential = EntraCredential(builder.Configuration[AuthenticationStringSetting]);
        builder.Services.AddApplicationInsightsTelemetryWorkerService();
        builder.Services.ConfigureFunctionsApplicationInsights();
        if (credential is not null)
        {
            builder.Services.Configure<TelemetryConfiguration>(configuration => configuration.SetAzureTokenCredential(credential));
        }

        // Metrics through OpenTelemetry, signed with the same identity: the app's meters, exported to
        // the same Application Insights resource as customMetrics (every tag a custom dimension).
        builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics
                .AddMeter([.. MeterNames])
                .AddAzureMonitorMetricExporter(exporter =>
                {
                    exporter.ConnectionString = builder.Configuration[ConnectionStringSetting];
                    exporter.Credential = credential;
                }));

        // The worker's default filter drops Information logs to Application Insights; keep them.
        builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }
        });
        return builder;
    }

    /// <summary>
    /// The credential an authentication string asks for: <c>Authorization=AAD</c> with an optional
    /// <c>ClientId</c> (a user-assigned identity; without it the system-assigned one). Null when the
    /// string is empty. A string that cannot be read stops the app at start, naming the setting.
    /// It is checked here, while services are registered, rather than by an options validator on
    /// start: the Application Insights SDK reads the same setting while the host is built and
    /// fails first, with a FormatException or an AuthenticationException that names no setting
    /// (tried; the start-up tests in Startup/WorkerStartupTests catch it).
    /// </summary>
    public static ManagedIdentityCredential? EntraCredential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidOperationException($"{AuthenticationStringSetting}: '{part}' is not a key=value pair; expected 'ClientId=<client id>;Authorization=AAD'.");
            }

            parts[part[..equals]] = part[(equals + 1)..];
        }

        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{AuthenticationStringSetting}: only 'Authorization=AAD' is supported; expected 'ClientId=<client id>;Authorization=AAD'.");
        }

        if (!parts.TryGetValue("ClientId", out var clientId) || clientId.Length == 0)
        {
            return new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
        }

        return Guid.TryParse(clientId, out _)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : throw new InvalidOperationException($"{AuthenticationStringSetting}: ClientId '{clientId}' is not a GUID (the client id of the app's user-assigned identity).");
    }
}
