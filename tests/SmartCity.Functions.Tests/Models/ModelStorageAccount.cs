using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Tests.Models;

/// <summary>
/// Uniquely named containers and queues for one test on Azurite (what the Bicep creates in Azure):
/// the model repository, training data and jobs, the training queue and its poison queue. Several
/// <see cref="AppInstance"/>s share one account, as instances share the storage account in Azure.
/// </summary>
internal sealed class ModelStorageAccount : IAsyncDisposable
{
    private readonly string _connectionString;

    public ModelStorageAccount(string connectionString)
    {
        _connectionString = connectionString;
        var id = Guid.NewGuid().ToString("N")[..10];
        ModelsContainer = $"models-{id}";
        DataContainer = $"data-{id}";
        JobsContainer = $"jobs-{id}";
        Queue = $"train-{id}";
        Blobs = new BlobServiceClient(connectionString);
        Queues = new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }

    public string ModelsContainer { get; }

    public string DataContainer { get; }

    public string JobsContainer { get; }

    public string Queue { get; }

    /// <summary>Clients without faults, for the test's own reads and writes.</summary>
    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public BlobContainerClient Models => Blobs.GetBlobContainerClient(ModelsContainer);

    public BlobContainerClient Data => Blobs.GetBlobContainerClient(DataContainer);

    public QueueClient TrainingQueue => Queues.GetQueueClient(Queue);

    /// <summary>Clients of an instance, with <paramref name="faults"/> in their pipelines (retries off) when given.</summary>
    public ModelStorageClients ClientsFor(FaultPolicy? faults)
    {
        var blobOptions = new BlobClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (faults is not null)
        {
            blobOptions.Retry.MaxRetries = 0;
            queueOptions.Retry.MaxRetries = 0;
            blobOptions.AddPolicy(faults, HttpPipelinePosition.PerRetry);
            queueOptions.AddPolicy(faults, HttpPipelinePosition.PerRetry);
        }

        return new ModelStorageClients(new BlobServiceClient(_connectionString, blobOptions), new QueueServiceClient(_connectionString, queueOptions));
    }

    public async Task CreateAsync()
    {
        await Models.CreateIfNotExistsAsync();
        await Data.CreateIfNotExistsAsync();
        await Blobs.GetBlobContainerClient(JobsContainer).CreateIfNotExistsAsync();
        await TrainingQueue.CreateIfNotExistsAsync();
        await Queues.GetQueueClient(Queue + "-poison").CreateIfNotExistsAsync();
    }

    /// <summary>The published versions of a model (those with a manifest), as the container holds them.</summary>
    public async Task<List<string>> PublishedVersionsAsync(string model)
    {
        var versions = new List<string>();
        await foreach (var item in Models.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, model + "/", CancellationToken.None))
        {
            if (ModelBlobLayout.Parse(item.Name) is { Kind: ModelBlobKind.VersionFile, File: "model.json", Version: { } version })
            {
                versions.Add(version);
            }
        }

        return versions;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in new[] { ModelsContainer, DataContainer, JobsContainer })
        {
            await Blobs.GetBlobContainerClient(container).DeleteIfExistsAsync();
        }

        await TrainingQueue.DeleteIfExistsAsync();
        await Queues.GetQueueClient(Queue + "-poison").DeleteIfExistsAsync();
    }
}
