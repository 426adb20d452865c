using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace SmartCity.Functions.Models;

/// <summary>The blob and queue clients of the <c>ModelStorage</c> connection, made once.</summary>
public sealed class ModelStorageClients(BlobServiceClient blobs, QueueServiceClient queues)
{
    /// <summary>The clients the app's configuration describes (see <see cref="ModelStorageConnection"/>).</summary>
    public ModelStorageClients(IConfiguration configuration)
        : this(ModelStorageConnection.CreateBlobServiceClient(configuration), ModelStorageConnection.CreateQueueServiceClient(configuration))
    {
    }

    public BlobServiceClient Blobs { get; } = blobs;

    public QueueServiceClient Queues { get; } = queues;
}
