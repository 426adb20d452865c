using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Reclassify;

/// <summary>Sends reclassification messages (base64, as the queue trigger reads it) on <c>ModelStorage</c>.</summary>
public sealed class ReclassifySender
{
    public ReclassifySender(ModelStorageClients clients, IOptions<ReclassifyOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Queues.GetQueueClient(options.Value.Queue))
    {
    }

    public ReclassifySender(QueueClient queue) => Queue = queue ?? throw new ArgumentNullException(nameof(queue));

    public QueueClient Queue { get; }

    public Task SendAsync(ReclassifyMessage message, CancellationToken cancellationToken) =>
        Queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, ReclassifyJsonContext.Default.ReclassifyMessage)), cancellationToken: cancellationToken);
}
