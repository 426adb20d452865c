using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace SmartCity.Functions.Models;

/// <summary>
/// Clients for the <c>ModelStorage</c> connection (the model repository, training data and jobs,
/// and the training queue), read as the Functions host reads a trigger's connection: a connection
/// string in <c>ModelStorage</c> (Azurite locally), or identity-based <c>ModelStorage__blobServiceUri</c>
/// and <c>__queueServiceUri</c> with <c>__credential=managedidentity</c> and <c>__clientId</c> in Azure.
/// </summary>
public static class ModelStorageConnection
{
    public const string Name = "ModelStorage";

    private static readonly string[] ServiceUriKeys = ["blobServiceUri", "queueServiceUri"];

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
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[Name];
        return !string.IsNullOrWhiteSpace(connectionString)
            ? new BlobServiceClient(connectionString, options)
            : new BlobServiceClient(ServiceUri(configuration, "blobServiceUri"), Credential(configuration), options);
    }

    /// <summary>A queue client that writes base64, the encoding the queue trigger expects by default.</summary>
    public static QueueServiceClient CreateQueueServiceClient(IConfiguration configuration, QueueClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new QueueClientOptions();
        options.MessageEncoding = QueueMessageEncoding.Base64;
        var connectionString = configuration[Name];
        return !string.IsNullOrWhiteSpace(connectionString)
            ? new QueueServiceClient(connectionString, options)
            : new QueueServiceClient(ServiceUri(configuration, "queueServiceUri"), Credential(configuration), options);
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
