using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Cameras;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Reclassify;
using SmartCity.Functions.Tests.Models;
using static SmartCity.Functions.Tests.HttpTestHost;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace SmartCity.Functions.Tests.Reclassify;

/// <summary>
/// The reclassification functions over one Azurite camera pipeline and one model storage account,
/// wired as <c>AddReclassification</c> wires them, and a pump that delivers the queue's messages to
/// the queue-triggered function as the host does: decoded text and dequeue count, deleted on success,
/// back after a second when it throws, to the poison queue after the fifth try.
/// </summary>
internal sealed class ReclassifyHarness : IAsyncDisposable
{
    private readonly HashSet<string> _redelivered = [];

    public ReclassifyHarness(CameraTestPipeline pipeline, ModelStorageAccount account, int blobsPerMessage = 2)
    {
        Pipeline = pipeline;
        Account = account;
        var options = MsOptions.Create(new ReclassifyOptions { JobsContainer = account.JobsContainer, Queue = account.Queue, BlobsPerMessage = blobsPerMessage });
        var clients = account.ClientsFor(null);
        Jobs = new ReclassifyJobStore(clients, options);
        var sender = new ReclassifySender(clients, options);
        Reclassifier = new CameraReclassifier(pipeline.Engine, pipeline.Store);
        Runner = new ReclassifyRunner(pipeline.Engine, Reclassifier, pipeline.Store, Jobs, sender, options, NullLogger<ReclassifyRunner>.Instance);
        Functions = new ReclassifyFunctions(new ReclassifyHandler(pipeline.Engine, Jobs, sender, TestSupport.HttpOptions()));
        Queue = new RunReclassification(Runner);
    }

    public CameraTestPipeline Pipeline { get; }

    public ModelStorageAccount Account { get; }

    public ReclassifyJobStore Jobs { get; }

    public CameraReclassifier Reclassifier { get; }

    public ReclassifyRunner Runner { get; }

    public ReclassifyFunctions Functions { get; }

    public RunReclassification Queue { get; }

    /// <summary>Leaves every message once more after it succeeded, as a lost delete or a lapsed lease would.</summary>
    public bool RedeliverEverySuccess { get; set; }

    public int Invocations { get; private set; }

    public List<Exception> Failures { get; } = [];

    public async Task<Response> StartAsync(string body)
    {
        var context = Json("POST", "/api/cameras/reclassifications", body);
        return await InvokeAsync(context, () => Functions.CreateReclassification(context.Request));
    }

    public async Task<JsonElement> GetAsync(string id)
    {
        var context = Request("GET", $"/api/cameras/reclassifications/{id}");
        var response = await InvokeAsync(context, () => Functions.GetReclassification(context.Request, id));
        Assert.Equal(200, response.Status);
        return response.Json;
    }

    /// <summary>Delivers messages until the queue is empty and the job finished.</summary>
    public async Task<JsonElement> RunAsync(string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        var queue = Account.TrainingQueue;
        while (DateTime.UtcNow < deadline)
        {
            QueueMessage? message = (await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(1))).Value;
            if (message is null)
            {
                var job = await GetAsync(id);
                if (job.GetProperty("state").GetString() is "completed" or "failed")
                {
                    return job;
                }

                await Task.Delay(100);
                continue;
            }

            await DeliverAsync(message);
        }

        throw new TimeoutException($"Reclassification {id} did not finish ({Invocations} invocations, {Failures.Count} failed: {string.Join("; ", Failures.Select(f => f.Message))}).");
    }

    /// <summary>Every message now on the queue, read and deleted (not delivered).</summary>
    public async Task<List<string>> DrainAsync()
    {
        var messages = new List<string>();
        while ((await Account.TrainingQueue.ReceiveMessageAsync()).Value is { } message)
        {
            messages.Add(message.Body.ToString());
            await Account.TrainingQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return messages;
    }

    private async Task DeliverAsync(QueueMessage message)
    {
        Invocations++;
        try
        {
            await Queue.RunAsync(message.Body.ToString(), message.DequeueCount, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Failures.Add(ex);
            if (message.DequeueCount >= ReclassifyOptions.MaxDequeueCount)
            {
                await Account.TrainingQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                await Account.Queues.GetQueueClient(Account.Queue + "-poison").SendMessageAsync(message.Body);
            }

            return;
        }

        if (RedeliverEverySuccess && _redelivered.Add(message.MessageId))
        {
            return;
        }

        await Account.TrainingQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
