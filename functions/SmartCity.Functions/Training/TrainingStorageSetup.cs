using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Training;

/// <summary>
/// The host never creates trigger queues: at start, the training queue, its poison queue and the
/// containers of the repository and the jobs are created when they do not exist (locally, on
/// Azurite; in Azure the Bicep made them and this only checks). Runs in the background and only
/// warns when storage cannot be reached, so it never holds up or stops the start.
/// </summary>
internal sealed partial class TrainingStorageSetup(ModelStorageClients clients, IOptions<TrainingOptions> training, IOptions<ModelRepositoryOptions> repository, ILogger<TrainingStorageSetup> logger) : IHostedService
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
            foreach (var name in new[] { training.Value.Queue, training.Value.PoisonQueue })
            {
                var queue = clients.Queues.GetQueueClient(name);
                if (!await queue.ExistsAsync(cancellationToken))
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                    LogCreated(logger, "queue", name);
                }
            }

            foreach (var name in new[] { repository.Value.Container, training.Value.JobsContainer, training.Value.DataContainer })
            {
                var container = clients.Blobs.GetBlobContainerClient(name);
                if (!await container.ExistsAsync(cancellationToken))
                {
                    await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                    LogCreated(logger, "container", name);
                }
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException || ex.GetType().Namespace?.StartsWith("Azure", StringComparison.Ordinal) == true)
        {
            LogUnreachable(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the {Kind} {Name} on ModelStorage")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The training queues and containers on ModelStorage could not be checked: {Problem}")]
    private static partial void LogUnreachable(ILogger logger, string problem);
}
