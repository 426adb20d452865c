using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Cameras;
using SmartCity.Cameras.Storage;
using SmartCity.Functions.Models;
using SmartCity.Functions.Reclassify;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 13. Reclassifying history against Azurite (<c>SMARTCITY_TEST_STORAGE</c>): up to <see cref="MaxFrames"/> frames, each
/// uploaded <see cref="Copies"/> times, are classified by the pipeline (vehicle-type at its default,
/// not timed); then one reclassification job of the camera to vehicle-type/1 runs through
/// <see cref="ReclassifyRunner"/>, its messages taken from the Azurite queue by
/// <see cref="Consumers"/> consumers (as that many instances would), from the first listing message
/// to the job's completion. Frames/s of the job, and its ratio to <c>engine.PredictAsync</c> with the
/// same version and as many uploads in flight, on the same frames, before and after in the same
/// scenario. Every result row is checked to be at version 1 afterwards; storage is deleted at the end.
/// </summary>
public sealed class ReclassifyScenario : IBenchmarkScenario
{
    public const int Copies = 2;

    /// <summary>Frames read (the shared folder has hundreds of 1080p frames; this bounds the scenario to a few minutes on 2 cores).</summary>
    public const int MaxFrames = 48;

    public const int Consumers = 2;

    public const int BlobsPerMessage = 16;

    public const int ParallelBlobs = 8;

    private const string Camera = "cam-bench";

    private const string TargetVersion = "1";

    public string Id => "reclassify";

    public string Title => "13. Reclassify history against Azurite";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var connection = Environment.GetEnvironmentVariable(CameraPipelineScenario.StorageVariable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            return ScenarioResult.Skip(Id, Title, $"skipped: {CameraPipelineScenario.StorageVariable} is not set (`source scripts/azurite.sh; start_azurite` sets it)");
        }

        var frames = BenchmarkContext.LoadFrames(context.FramesFolder, context.Quick ? 4 : MaxFrames);
        var copies = context.Quick ? 2 : Copies;
        var count = frames.Count * copies;
        var inFlight = Consumers * ParallelBlobs;
        var result = new ScenarioResult(Id, Title) { Columns = ["run", "frames", "in flight", "frames/s", "ratio to engine"] };

        var id = Guid.NewGuid().ToString("N")[..10];
        var options = new CameraPipelineOptions { ImagesContainer = $"bench-img-{id}", ResultsContainer = $"bench-res-{id}", RejectedContainer = $"bench-rej-{id}", TableName = $"bench{id}" };
        var reclassify = Options.Create(new ReclassifyOptions { JobsContainer = $"bench-jobs-{id}", Queue = $"bench-reclassify-{id}", BlobsPerMessage = BlobsPerMessage, ParallelBlobs = ParallelBlobs });
        var blobs = new BlobServiceClient(connection);
        var tables = new TableServiceClient(connection);
        var queues = new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var queue = queues.GetQueueClient(reclassify.Value.Queue);
        await using var engine = context.CreateEngine();
        try
        {
            var images = blobs.GetBlobContainerClient(options.ImagesContainer);
            await images.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var store = new CameraResultStore(blobs, tables, options);
            var classifier = new CameraImageClassifier(engine, store);
            var capturedAt = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var name = $"{i:D5}-{frames[i % frames.Count].Name}";
                var blob = images.GetBlobClient($"{Camera}/{name}");
                var upload = new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = new Dictionary<string, string> { [CameraImageClassifier.MetadataCapturedAt] = capturedAt.AddSeconds(i).ToString("O") } };
                await blob.UploadAsync(BinaryData.FromBytes(frames[i % frames.Count].Bytes), upload, ct);
                await classifier.ClassifyAsync(blob, Camera, name, ct);
            });

            var model = engine.Repository.Get(BenchmarkContext.VehicleType, TargetVersion);
            await engine.WarmUpAsync(model, cancellationToken);
            var clients = new ModelStorageClients(blobs, queues);
            var jobs = new ReclassifyJobStore(clients, reclassify);
            var sender = new ReclassifySender(clients, reclassify);
            var runner = new ReclassifyRunner(engine, new CameraReclassifier(engine, store), store, jobs, sender, reclassify, NullLogger<ReclassifyRunner>.Instance);

            var engineBefore = await EngineAsync(engine, model, frames, count, inFlight, cancellationToken);
            var (seconds, job) = await RunJobAsync(jobs, sender, runner, queue, capturedAt, capturedAt.AddSeconds(count), cancellationToken);
            var engineAfter = await EngineAsync(engine, model, frames, count, inFlight, cancellationToken);
            var engineRate = (engineBefore + engineAfter) / 2;

            if (job.State != ReclassifyJobState.Completed || job.Counts.Reclassified != count || job.Counts.Listed != count)
            {
                throw new InvalidOperationException($"The job ended {job.State} with listed {job.Counts.Listed}, reclassified {job.Counts.Reclassified}, failed {job.Counts.Failed} of {count} frame(s).");
            }

            var atVersion = 0;
            await foreach (var row in tables.GetTableClient(options.TableName).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Camera} and Model eq {BenchmarkContext.VehicleType}"), cancellationToken: cancellationToken))
            {
                atVersion += row.GetString("ModelVersion") == TargetVersion ? 1 : 0;
            }

            if (atVersion != count)
            {
                throw new InvalidOperationException($"{atVersion} of {count} result rows are at version {TargetVersion} after the job.");
            }

            var jobRate = count / seconds;
            var frameCount = count.ToString(ReportFormat.Culture);
            var flight = inFlight.ToString(ReportFormat.Culture);
            result.Row($"reclassification job ({Consumers} consumers, Azurite)", frameCount, flight, ReportFormat.F(jobRate), ReportFormat.Ratio(jobRate / engineRate));
            result.Row($"engine.PredictAsync {model.Id}, before", frameCount, flight, ReportFormat.F(engineBefore), "");
            result.Row($"engine.PredictAsync {model.Id}, after", frameCount, flight, ReportFormat.F(engineAfter), "");
            result.Notes.Add($"{frames.Count} frame(s) from {Path.GetRelativePath(context.RepositoryRoot, context.FramesFolder)}, each uploaded {copies} times to one camera and classified by the pipeline at the default version (not timed). The job (listing pages, then batches of {BlobsPerMessage} uploads, {ParallelBlobs} at once per batch) ran from its first message to its completion with {Consumers} consumers taking messages from the Azurite queue; every one of the {count} result rows was at version {TargetVersion} afterwards.");
            result.Notes.Add($"Ratio = job frames/s ÷ the mean of engine.PredictAsync frames/s with {inFlight} callers on the same frames just before and after ({ReportFormat.F(engineRate)} frames/s). Per frame the job also reads the index row and the document, downloads the blob, commits the rows and the document with the index's ETag, and counts its batch; Azurite (Node.js) shares the {Environment.ProcessorCount} cores.");
            if (context.Quick)
            {
                result.Notes.Add("--quick: a handful of frames in one batch, so the figures are dominated by start-up and batching edges; read the full run.");
            }
        }
        finally
        {
            foreach (var container in new[] { options.ImagesContainer, options.ResultsContainer, options.RejectedContainer, reclassify.Value.JobsContainer })
            {
                await blobs.GetBlobContainerClient(container).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            }

            await tables.DeleteTableAsync(options.TableName, CancellationToken.None);
            await queue.DeleteIfExistsAsync(CancellationToken.None);
        }

        return result;
    }

    /// <summary>Seconds from the first message to the completed job, and the job.</summary>
    private static async Task<(double Seconds, ReclassifyJobDocument Job)> RunJobAsync(ReclassifyJobStore jobs, ReclassifySender sender, ReclassifyRunner runner, QueueClient queue, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var job = new ReclassifyJobDocument
        {
            Id = $"{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..27],
            Key = new ReclassifyScope(Camera, null, from, to, BenchmarkContext.VehicleType, TargetVersion).Key,
            CameraId = Camera,
            From = from,
            To = to,
            Model = BenchmarkContext.VehicleType,
            Version = TargetVersion,
            RequestedBy = "benchmark",
            CreatedAt = now,
            UpdatedAt = now,
        };
        var started = Stopwatch.GetTimestamp();
        await jobs.CreateAsync(job, cancellationToken);
        await sender.SendAsync(new ReclassifyMessage(job.Id, ReclassifyMessage.List, 0, 0), cancellationToken);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumers = Enumerable.Range(0, Consumers).Select(_ => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var message = (await queue.ReceiveMessageAsync(TimeSpan.FromMinutes(2), done.Token)).Value;
                if (message is null)
                {
                    await Task.Delay(20, done.Token);
                    continue;
                }

                await runner.RunAsync(message.Body.ToString(), message.DequeueCount, done.Token);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, done.Token);
                if ((await jobs.ReadAsync(job.Id, done.Token))?.Job is { Finished: true })
                {
                    await done.CancelAsync();
                }
            }
        }, CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(consumers);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The job finished: the consumers stopped.
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (seconds, (await jobs.ReadAsync(job.Id, cancellationToken))!.Value.Job);
    }

    private static async Task<double> EngineAsync(Inference.Runtime.InferenceEngine engine, Inference.Models.ModelVersion model, IReadOnlyList<Frame> frames, int count, int callers, CancellationToken cancellationToken)
    {
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await engine.PredictAsync(model, frames[i % frames.Count].Bytes, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken)));
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
