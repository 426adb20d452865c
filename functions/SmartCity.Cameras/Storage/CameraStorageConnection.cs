using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// Clients for the <c>CameraStorage</c> connection, read the way the Functions host reads the
/// trigger's connection: a connection string in <c>CameraStorage</c> (Azurite locally), or
/// identity-based <c>CameraStorage__blobServiceUri</c> / <c>__tableServiceUri</c> with
/// <c>__credential=managedidentity</c> and <c>__clientId</c> (the user-assigned identity) in Azure.
/// (Microsoft.Extensions.Azure's <c>AddAzureClients</c> binds constructor parameter names such
/// as <c>serviceUri</c> and <c>endpoint</c>, not these keys, so the clients are built here.)
/// </summary>
public static class CameraStorageConnection
{
    public const string Name = "CameraStorage";

    private static readonly string[] ServiceUriKeys = ["blobServiceUri", "tableServiceUri"];

    /// <summary>Null when the connection is usable; otherwise what is missing, naming the keys.</summary>
    public static string? Problem(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration[Name]))
        {
            return null;
        }

        var section = configuration.GetSection(Name);
        var missing = ServiceUriKeys
            .Where(key => !Uri.TryCreate(section[key], UriKind.Absolute, out _))
            .Select(key => $"{Name}__{key}")
            .ToList();
        return missing.Count == 0
            ? null
            : $"Connection {Name} is not configured: set {Name} to a connection string, or set {string.Join(" and ", missing)} (an absolute URI) with {Name}__credential and {Name}__clientId.";
    }

    public static BlobServiceClient CreateBlobServiceClient(IConfiguration configuration, BlobClientOptions? options = null)
    {
        var connectionString = configuration[Name];
        return !string.IsNullOrWhiteSpace(connectionString)
            ? new BlobServiceClient(connectionString, options)
            : new BlobServiceClient(ServiceUri(configuration, "blobServiceUri"), Credential(configuration), options);
    }

    public static TableServiceClient CreateTableServiceClient(IConfiguration configuration, TableClientOptions? options = null)
    {
        var connectionString = configuration[Name];
        return !string.IsNullOrWhiteSpace(connectionString)
            ? new TableServiceClient(connectionString, options)
            : new TableServiceClient(ServiceUri(configuration, "tableServiceUri"), Credential(configuration), options);
    }

    private static Uri ServiceUri(IConfiguration configuration, string key) =>
        Uri.TryCreate(configuration.GetSection(Name)[key], UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException(Problem(configuration));

    /// <summary><c>managedidentity</c> (with the client id of a user-assigned identity, when given); otherwise the default chain.</summary>
    private static TokenCredential Credential(IConfiguration configuration)
    {
        var section = configuration.GetSection(Name);
        var clientId = section["clientId"];
        if (string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrWhiteSpace(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId });
    }
}
