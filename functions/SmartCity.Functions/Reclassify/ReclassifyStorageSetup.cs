using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Reclassify;

/// <summary>
/// The host never creates trigger queues: at start, the reclassification queue, its poison queue and
/// the jobs container are created when they do not exist (locally, on Azurite; in Azure the Bicep
/// made them). Runs in the background and only warns when storage cannot be reached.
/// </summary>
internal sealed partial class ReclassifyStorageSetup(ModelStorageClients clients, IOptions<ReclassifyOptions> options, ILogger<ReclassifyStorageSetup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => EnsureAsync(CancellationToken.None), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal async Task EnsureAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var name in new[] { options.Value.Queue, options.Value.PoisonQueue })
            {
                var queue = clients.Queues.GetQueueClient(name);
                if (!await queue.ExistsAsync(cancellationToken))
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                    LogCreated(logger, "queue", name);
                }
            }

            var container = clients.Blobs.GetBlobContainerClient(options.Value.JobsContainer);
            if (!await container.ExistsAsync(cancellationToken))
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                LogCreated(logger, "container", options.Value.JobsContainer);
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException || ex.GetType().Namespace?.StartsWith("Azure", StringComparison.Ordinal) == true)
        {
            LogUnreachable(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the {Kind} {Name} on ModelStorage")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reclassification queues and container on ModelStorage could not be checked: {Problem}")]
    private static partial void LogUnreachable(ILogger logger, string problem);
}
