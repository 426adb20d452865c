using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

using SmartCity.Inference;
namespace SmartCity.Cameras.Storage;

/// <summary>
/// The containers and the table the pipeline writes, on the <c>CameraStorage</c> account.
/// Missing ones are created once, lazily (in Azure they exist from the Bicep; Azurite starts empty).
/// </summary>
public sealed class CameraResultStore
{
    private readonly Lock _gate = new();
    private Task? _creating;

    /// <summary>The app's store, through dependency injection.</summary>
    public CameraResultStore(CameraStorageClients clients, IOptions<CameraPipelineOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Blobs, clients.Tables, (options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    public CameraResultStore(BlobServiceClient blobs, TableServiceClient tables, CameraPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Results = blobs.GetBlobContainerClient(options.ResultsContainer);
        Rejected = blobs.GetBlobContainerClient(options.RejectedContainer);
        Table = tables.GetTableClient(options.TableName);
    }

    public CameraPipelineOptions Options { get; }

    public BlobContainerClient Results { get; }

    public BlobContainerClient Rejected { get; }

    public TableClient Table { get; }

    public static string DocumentName(string cameraId, string name) => $"{cameraId}/{name}.json";

    /// <summary>Creates the containers and the table if they are missing; once per process (retried after a failure).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_creating is null || _creating.IsFaulted || _creating.IsCanceled)
            {
                _creating = CreateAsync(cancellationToken);
            }

            return _creating;
        }
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        await Results.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Rejected.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }
}
