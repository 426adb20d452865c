using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using SmartCity.Cameras.Storage;

namespace SmartCity.Functions.Models;

/// <summary>
/// Clients for the <c>ModelStorage</c> connection (the model repository, training data and jobs,
/// and the training queue; see <see cref="StorageConnection"/>): a connection string in
/// <c>ModelStorage</c> (Azurite locally), or identity-based <c>ModelStorage__blobServiceUri</c>
/// and <c>__queueServiceUri</c> with <c>__credential=managedidentity</c> and <c>__clientId</c> in Azure.
/// </summary>
public static class ModelStorageConnection
{
    public const string Name = "ModelStorage";

    private static readonly StorageConnection Connection = new(Name, "blobServiceUri", "queueServiceUri");

    /// <summary>Null when the connection is usable; otherwise what is missing, naming the keys.</summary>
    public static string? Problem(IConfiguration configuration) => Connection.Problem(configuration);

    public static BlobServiceClient CreateBlobServiceClient(IConfiguration configuration, BlobClientOptions? options = null) =>
        Connection.CreateBlobServiceClient(configuration, options);

    /// <summary>A queue client that writes base64, the encoding the queue trigger expects by default.</summary>
    public static QueueServiceClient CreateQueueServiceClient(IConfiguration configuration, QueueClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new QueueClientOptions();
        options.MessageEncoding = QueueMessageEncoding.Base64;
        return Connection.ConnectionString(configuration) is { } connectionString
            ? new QueueServiceClient(connectionString, options)
            : new QueueServiceClient(Connection.ServiceUri(configuration, "queueServiceUri"), Connection.Credential(configuration), options);
    }
}
