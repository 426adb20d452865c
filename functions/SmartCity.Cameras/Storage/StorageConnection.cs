using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// A named storage connection read the way the Functions host reads a trigger's connection: a
/// connection string in <c>{Name}</c> (Azurite locally), or identity-based
/// <c>{Name}__{service}ServiceUri</c> with <c>__credential=managedidentity</c> and <c>__clientId</c>
/// (the user-assigned identity) in Azure. (Microsoft.Extensions.Azure's <c>AddAzureClients</c>
/// binds constructor parameter names such as <c>serviceUri</c> and <c>endpoint</c>, not these
/// keys, so the clients are built from it.)
/// </summary>
/// <param name="name">The connection's name, the configuration key (e.g. <c>CameraStorage</c>).</param>
/// <param name="serviceUriKeys">The service URIs an identity-based connection needs (e.g. <c>blobServiceUri</c>).</param>
public sealed class StorageConnection(string name, params string[] serviceUriKeys)
{
    public string Name { get; } = name;

    /// <summary>Null when the connection is usable; otherwise what is missing, naming the keys.</summary>
    public string? Problem(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (ConnectionString(configuration) is not null)
        {
            return null;
        }

        var section = configuration.GetSection(Name);
        var missing = serviceUriKeys
            .Where(key => !Uri.TryCreate(section[key], UriKind.Absolute, out _))
            .Select(key => $"{Name}__{key}")
            .ToList();
        return missing.Count == 0
            ? null
            : $"Connection {Name} is not configured: set {Name} to a connection string, or set {string.Join(" and ", missing)} (an absolute URI) with {Name}__credential and {Name}__clientId.";
    }

    /// <summary>The connection string, or null when the connection is identity-based.</summary>
    public string? ConnectionString(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[Name] is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;
    }

    public BlobServiceClient CreateBlobServiceClient(IConfiguration configuration, BlobClientOptions? options = null) =>
        ConnectionString(configuration) is { } connectionString
            ? new BlobServiceClient(connectionString, options)
            : new BlobServiceClient(ServiceUri(configuration, "blobServiceUri"), Credential(configuration), options);

    /// <summary>The service URI <c>{Name}__{key}</c> of an identity-based connection.</summary>
    public Uri ServiceUri(IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Uri.TryCreate(configuration.GetSection(Name)[key], UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException(Problem(configuration) ?? $"Connection {Name} has no {Name}__{key} (an absolute URI).");
    }

    /// <summary><c>managedidentity</c> (with the client id of a user-assigned identity, when given); otherwise the default chain.</summary>
    public TokenCredential Credential(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
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
