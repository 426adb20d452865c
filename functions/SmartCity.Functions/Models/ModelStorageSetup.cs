using Azure;
using Microsoft.Extensions.Logging;

namespace SmartCity.Functions.Models;

/// <summary>
/// The host never creates trigger queues: at start, the queues and containers a feature uses on
/// ModelStorage are created when they do not exist (locally, on Azurite; in Azure the Bicep made
/// them and this only checks). Called in the background by each feature's hosted service; it only
/// warns when storage cannot be reached, so it never holds up or stops the start.
/// </summary>
internal static partial class ModelStorageSetup
{
    /// <summary>Creates whichever of <paramref name="queues"/> and <paramref name="containers"/> are missing; <paramref name="what"/> names them in the warning.</summary>
    public static async Task EnsureAsync(ModelStorageClients clients, IEnumerable<string> queues, IEnumerable<string> containers, string what, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var name in queues)
            {
                var queue = clients.Queues.GetQueueClient(name);
                if (!await queue.ExistsAsync(cancellationToken).ConfigureAwait(false))
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    LogCreated(logger, "queue", name);
                }
            }

            foreach (var name in containers)
            {
                var container = clients.Blobs.GetBlobContainerClient(name);
                if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
                {
                    await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    LogCreated(logger, "container", name);
                }
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or InvalidOperationException || ex.GetType().Namespace?.StartsWith("Azure", StringComparison.Ordinal) == true)
        {
            LogUnreachable(logger, what, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the {Kind} {Name} on ModelStorage")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {What} on ModelStorage could not be checked: {Problem}")]
    private static partial void LogUnreachable(ILogger logger, string what, string problem);
}
