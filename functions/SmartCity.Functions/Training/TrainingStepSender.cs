using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Training;

/// <summary>Sends the message that runs a job's next step (base64, as the queue trigger reads it).</summary>
public sealed class TrainingStepSender
{
    public TrainingStepSender(ModelStorageClients clients, IOptions<TrainingOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Queues.GetQueueClient(options.Value.Queue))
    {
    }

    public TrainingStepSender(QueueClient queue) => Queue = queue ?? throw new ArgumentNullException(nameof(queue));

    public QueueClient Queue { get; }

    public Task SendAsync(TrainingJobMessage message, CancellationToken cancellationToken) =>
        Queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, TrainingJsonContext.Default.TrainingJobMessage)), cancellationToken: cancellationToken);
}
