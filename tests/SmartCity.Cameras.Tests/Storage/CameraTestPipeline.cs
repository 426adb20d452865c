using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SmartCity.Cameras.Storage;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>
/// One isolated camera pipeline against Azurite, wired as <c>AddCameraPipeline</c> wires it,
/// with an optional fault-injecting policy in the results clients (retries off, so a fault surfaces).
/// </summary>
public sealed class CameraTestPipeline : IAsyncDisposable
{
    public CameraTestPipeline(string connectionString, InferenceEngine engine, FaultPolicy? faults, string? modelRoutes = null, long? maxImageBytes = null)
    {
        ConnectionString = connectionString;
        Engine = engine;
        Options = UniqueOptions(modelRoutes, maxImageBytes);
        Assert.True(new CameraPipelineOptionsValidator().Validate(null, Options).Succeeded);
        Uploads = new BlobServiceClient(connectionString);
        var (blobOptions, tableOptions) = ClientOptions(faults);
        ResultBlobs = new BlobServiceClient(connectionString, blobOptions);
        ResultTables = new TableServiceClient(connectionString, tableOptions);
        Store = new CameraResultStore(ResultBlobs, ResultTables, Options);
        Classifier = new CameraImageClassifier(engine, Store);
        Query = new CameraResultsQuery(new CameraResultStore(new BlobServiceClient(connectionString), new TableServiceClient(connectionString), Options));
        Images = Uploads.GetBlobContainerClient(Options.ImagesContainer);
        Images.CreateIfNotExists();
        Table = new TableServiceClient(connectionString).GetTableClient(Options.TableName);
    }

    public CameraPipelineOptions Options { get; }

    public string ConnectionString { get; }

    public InferenceEngine Engine { get; }

    public BlobServiceClient Uploads { get; }

    public BlobServiceClient ResultBlobs { get; }

    public TableServiceClient ResultTables { get; }

    public CameraResultStore Store { get; }

    public CameraImageClassifier Classifier { get; }

    public CameraResultsQuery Query { get; }

    public BlobContainerClient Images { get; }

    /// <summary>The results table, read without faults.</summary>
    public TableClient Table { get; }

    public async Task<BlobClient> UploadAsync(string cameraId, string name, byte[] content, DateTimeOffset? capturedAt = null)
    {
        var blob = Images.GetBlobClient($"{cameraId}/{name}");
        var options = new BlobUploadOptions();
        if (capturedAt is { } time)
        {
            options.Metadata = new Dictionary<string, string> { [CameraImageClassifier.MetadataCapturedAt] = time.ToString("O") };
        }

        await blob.UploadAsync(BinaryData.FromBytes(content), options);
        return blob;
    }

    /// <summary>Classifies one upload at <c>{cameraId}/{name}</c>, as the blob-triggered function does for a valid event.</summary>
    public Task RunAsync(BlobClient blob) => RunAsync(Classifier, blob);

    /// <summary>Classifies one upload with <paramref name="classifier"/> (another instance, see <see cref="CreateInstance"/>).</summary>
    public static Task<CameraUploadResult> RunAsync(CameraImageClassifier classifier, BlobClient blob)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(blob);
        var slash = blob.Name.IndexOf('/', StringComparison.Ordinal);
        return classifier.ClassifyAsync(blob, blob.Name[..slash], blob.Name[(slash + 1)..], CancellationToken.None);
    }

    /// <summary>
    /// Another function instance on the same storage: its own store and clients (with
    /// <paramref name="policy"/> in their pipelines when given), the same containers and table.
    /// </summary>
    public CameraImageClassifier CreateInstance(HttpPipelinePolicy? policy = null)
    {
        var blobOptions = new BlobClientOptions();
        var tableOptions = new TableClientOptions();
        if (policy is not null)
        {
            blobOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
            tableOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        var store = new CameraResultStore(new BlobServiceClient(ConnectionString, blobOptions), new TableServiceClient(ConnectionString, tableOptions), Options);
        return new CameraImageClassifier(Engine, store);
    }

    /// <summary>Result rows (not the per-blob index rows) of a camera, as stored.</summary>
    public async Task<List<TableEntity>> RowsAsync(string cameraId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {cameraId}")))
        {
            if (!row.RowKey.StartsWith(CameraRowKeys.IndexPrefix, StringComparison.Ordinal) && row.RowKey != CameraRowKeys.FrameState)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    public async Task<List<BlobItem>> DocumentsAsync(string container)
    {
        var client = Uploads.GetBlobContainerClient(container);
        var items = new List<BlobItem>();
        if (!await client.ExistsAsync())
        {
            return items;
        }

        await foreach (var item in client.GetBlobsAsync())
        {
            items.Add(item);
        }

        return items;
    }

    public async Task<string> ReadDocumentAsync(string container, string name) =>
        (await Uploads.GetBlobContainerClient(container).GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();

    public async ValueTask DisposeAsync()
    {
        foreach (var container in new[] { Options.ImagesContainer, Options.ResultsContainer, Options.RejectedContainer })
        {
            await Uploads.GetBlobContainerClient(container).DeleteIfExistsAsync();
        }

        await Table.DeleteAsync();
    }

    /// <summary>Containers and a table of this pipeline alone.</summary>
    private static CameraPipelineOptions UniqueOptions(string? modelRoutes, long? maxImageBytes)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var options = new CameraPipelineOptions
        {
            ImagesContainer = $"img-{id}",
            ResultsContainer = $"res-{id}",
            RejectedContainer = $"rej-{id}",
            TableName = $"t{id}",
            ModelRoutes = modelRoutes ?? string.Empty,
        };
        options.MaxImageBytes = maxImageBytes ?? options.MaxImageBytes;
        return options;
    }

    /// <summary>Client options of the results clients: with <paramref name="faults"/> in the pipeline and retries off, when given.</summary>
    private static (BlobClientOptions Blobs, TableClientOptions Tables) ClientOptions(FaultPolicy? faults)
    {
        var blobOptions = new BlobClientOptions();
        var tableOptions = new TableClientOptions();
        if (faults is not null)
        {
            blobOptions.Retry.MaxRetries = 0;
            tableOptions.Retry.MaxRetries = 0;
            blobOptions.AddPolicy(faults, HttpPipelinePosition.PerRetry);
            tableOptions.AddPolicy(faults, HttpPipelinePosition.PerRetry);
        }

        return (blobOptions, tableOptions);
    }
}
