using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// Clients for the <c>CameraStorage</c> connection (see <see cref="StorageConnection"/>): a
/// connection string, or identity-based <c>CameraStorage__blobServiceUri</c> and
/// <c>__tableServiceUri</c> with <c>__credential=managedidentity</c> and <c>__clientId</c> in Azure.
/// </summary>
public static class CameraStorageConnection
{
    public const string Name = "CameraStorage";

    private static readonly StorageConnection Connection = new(Name, "blobServiceUri", "tableServiceUri");

    /// <summary>Null when the connection is usable; otherwise what is missing, naming the keys.</summary>
    public static string? Problem(IConfiguration configuration) => Connection.Problem(configuration);

    public static BlobServiceClient CreateBlobServiceClient(IConfiguration configuration, BlobClientOptions? options = null) =>
        Connection.CreateBlobServiceClient(configuration, options);

    public static TableServiceClient CreateTableServiceClient(IConfiguration configuration, TableClientOptions? options = null) =>
        Connection.ConnectionString(configuration) is { } connectionString
            ? new TableServiceClient(connectionString, options)
            : new TableServiceClient(Connection.ServiceUri(configuration, "tableServiceUri"), Connection.Credential(configuration), options);
}
