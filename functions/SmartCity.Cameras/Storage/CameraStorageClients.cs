using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace SmartCity.Cameras.Storage;

/// <summary>The blob and table clients of the <c>CameraStorage</c> connection, made once.</summary>
public sealed class CameraStorageClients(BlobServiceClient blobs, TableServiceClient tables)
{
    /// <summary>The clients the app's configuration describes (see <see cref="CameraStorageConnection"/>).</summary>
    public CameraStorageClients(IConfiguration configuration)
        : this(CameraStorageConnection.CreateBlobServiceClient(configuration), CameraStorageConnection.CreateTableServiceClient(configuration))
    {
    }

    public BlobServiceClient Blobs { get; } = blobs;

    public TableServiceClient Tables { get; } = tables;
}
