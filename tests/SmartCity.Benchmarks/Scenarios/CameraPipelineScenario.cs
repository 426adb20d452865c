using System.Diagnostics;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Cameras;
using SmartCity.Cameras;
using SmartCity.Cameras.Storage;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 6. The camera pipeline against Azurite, named by <c>SMARTCITY_TEST_STORAGE</c>
/// (<c>source scripts/azurite.sh; start_azurite</c>): the frames are uploaded to a fresh
/// container, then the <see cref="ClassifyCameraImage"/> function class runs for every blob with
/// 16 invocations in flight (download, classify, table transaction, result document). Images/s
/// end to end, and its ratio to <c>engine.PredictAsync</c> images/s with 16 callers on the same
/// frames, measured before and after in the same scenario. Containers and table are deleted at
/// the end. Without the variable, or when Azurite does not answer, the scenario says so and skips.
/// </summary>
public sealed class CameraPipelineScenario : IBenchmarkScenario
{
    public const string StorageVariable = "SMARTCITY_TEST_STORAGE";

    public const int Concurrency = 16;

    public string Id => "camera-pipeline";

    public string Title => "6. Camera pipeline against Azurite";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var connection = Environment.GetEnvironmentVariable(StorageVariable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            return ScenarioResult.Skip(Id, Title, $"skipped: {StorageVariable} is not set (`source scripts/azurite.sh; start_azurite` sets it)");
        }

        var endpoints = new[] { Endpoint(connection, "BlobEndpoint", 10000), Endpoint(connection, "TableEndpoint", 10002) };
        foreach (var endpoint in endpoints)
        {
            if (!await IsReachableAsync(endpoint, cancellationToken))
            {
                return ScenarioResult.Skip(Id, Title, $"skipped: {StorageVariable} is set but Azurite is not reachable at {endpoint.Host}:{endpoint.Port}");
            }
        }

        var frames = BenchmarkContext.LoadFrames(context.FramesFolder, context.Quick ? 6 : int.MaxValue);
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["run", "frames", "in flight", "images/s", "p50 ms", "p95 ms", "ratio to engine"],
        };

        var id = Guid.NewGuid().ToString("N")[..10];
        var options = new CameraPipelineOptions
        {
            ImagesContainer = $"bench-img-{id}",
            ResultsContainer = $"bench-res-{id}",
            RejectedContainer = $"bench-rej-{id}",
            TableName = $"bench{id}",
        };
        var validation = new CameraPipelineOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new InvalidOperationException(validation.FailureMessage);
        }

        var blobs = new BlobServiceClient(connection);
        var tables = new TableServiceClient(connection);
        var images = blobs.GetBlobContainerClient(options.ImagesContainer);
        await using var engine = context.CreateEngine();
        try
        {
            // Upload (not timed as part of the pipeline): one camera, the frames in name order.
            await images.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var uploadStarted = Stopwatch.GetTimestamp();
            var uploaded = new BlobClient[frames.Count];
            await Parallel.ForAsync(0, frames.Count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var blob = images.GetBlobClient($"cam-bench/{frames[i].Name}");
                await blob.UploadAsync(BinaryData.FromBytes(frames[i].Bytes), overwrite: true, ct);
                uploaded[i] = blob;
            });
            var uploadSeconds = Stopwatch.GetElapsedTime(uploadStarted).TotalSeconds;

            var store = new CameraResultStore(blobs, tables, options);
            var classifier = new CameraImageClassifier(engine, store);
            var function = new ClassifyCameraImage(classifier, Options.Create(options), NullLogger<ClassifyCameraImage>.Instance);
            var model = engine.Repository.Get(BenchmarkContext.VehicleType);
            await engine.WarmUpAsync(model, cancellationToken);

            // Warm-up: the first invocation creates the results containers and the table, and
            // JITs the storage path; it runs on an extra blob so every measured blob is new.
            var warm = images.GetBlobClient("cam-warm/warm.jpg");
            await warm.UploadAsync(BinaryData.FromBytes(frames[0].Bytes), overwrite: true, cancellationToken);
            await function.RunAsync(warm, "cam-warm", "warm.jpg", cancellationToken);
            for (var i = 0; i < Math.Min(frames.Count, Concurrency); i++)
            {
                await engine.PredictAsync(model, frames[i].Bytes, cancellationToken: cancellationToken);
            }

            // The engine alone before and after the pipeline run; the ratio uses their mean, so
            // a change of machine load during the scenario weighs on both sides.
            var engineBefore = await MeasureAsync(frames.Count, i => engine.PredictAsync(model, frames[i].Bytes, cancellationToken: cancellationToken), cancellationToken);
            var endToEnd = await MeasureAsync(frames.Count, i =>
            {
                var slash = uploaded[i].Name.IndexOf('/', StringComparison.Ordinal);
                return function.RunAsync(uploaded[i], uploaded[i].Name[..slash], uploaded[i].Name[(slash + 1)..], cancellationToken);
            }, cancellationToken);
            var engineAfter = await MeasureAsync(frames.Count, i => engine.PredictAsync(model, frames[i].Bytes, cancellationToken: cancellationToken), cancellationToken);
            var engineRate = (engineBefore.ImagesPerSecond + engineAfter.ImagesPerSecond) / 2;

            // Every frame must have left a classified result row, or the figure measured something else.
            var classified = 0;
            var table = tables.GetTableClient(options.TableName);
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"cam-bench"}"), cancellationToken: cancellationToken))
            {
                if (!row.RowKey.StartsWith(CameraRowKeys.IndexPrefix, StringComparison.Ordinal)
                    && string.Equals(row.GetString("Status"), CameraImageClassifier.StatusClassified, StringComparison.Ordinal))
                {
                    classified++;
                }
            }

            if (classified != frames.Count)
            {
                throw new InvalidOperationException($"The pipeline left {classified} classified row(s) for {frames.Count} frame(s).");
            }

            var inFlight = Math.Min(Concurrency, frames.Count).ToString(ReportFormat.Culture);
            result.Row("end to end (ClassifyCameraImage, Azurite)", frames.Count.ToString(ReportFormat.Culture), inFlight, ReportFormat.F(endToEnd.ImagesPerSecond), ReportFormat.F(endToEnd.Latency.Median), ReportFormat.F(endToEnd.Latency.P95), ReportFormat.Ratio(endToEnd.ImagesPerSecond / engineRate));
            result.Row("engine.PredictAsync, before", frames.Count.ToString(ReportFormat.Culture), inFlight, ReportFormat.F(engineBefore.ImagesPerSecond), ReportFormat.F(engineBefore.Latency.Median), ReportFormat.F(engineBefore.Latency.P95), "");
            result.Row("engine.PredictAsync, after", frames.Count.ToString(ReportFormat.Culture), inFlight, ReportFormat.F(engineAfter.ImagesPerSecond), ReportFormat.F(engineAfter.Latency.Median), ReportFormat.F(engineAfter.Latency.P95), "");
            result.Notes.Add($"{frames.Count} frame(s) from {Path.GetRelativePath(context.RepositoryRoot, context.FramesFolder)} uploaded to a fresh container ({ReportFormat.F(uploadSeconds, 1)} s, not counted), then ClassifyCameraImage.RunAsync once per blob with {Concurrency} invocations in flight (fewer when there are fewer frames), as Event Grid deliveries would call it: download, vehicle-type through the engine's batcher, one table transaction, the result document, the index row. images/s = blobs ÷ wall time; latency per invocation. All {classified} result rows were checked afterwards.");
            result.Notes.Add($"Ratio = end-to-end images/s ÷ the mean of engine.PredictAsync images/s with {Concurrency} callers on the same frames just before and after ({ReportFormat.F(engineRate)} images/s). Same engine (defaults: scaled decode, MaxBatchSize 16); Azurite (in-memory, Node.js) runs on the same {Environment.ProcessorCount} cores, so its CPU competes with decoding and ONNX Runtime.");
            if (context.Quick)
            {
                result.Notes.Add("--quick: a handful of frames, so the figures are dominated by start-up and batching edges; read the full run.");
            }
        }
        finally
        {
            foreach (var container in new[] { options.ImagesContainer, options.ResultsContainer, options.RejectedContainer })
            {
                await blobs.GetBlobContainerClient(container).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            }

            await tables.DeleteTableAsync(options.TableName, CancellationToken.None);
        }

        return result;
    }

    private sealed record Run(double ImagesPerSecond, SampleStatistics Latency);

    /// <summary>Runs <paramref name="count"/> calls with <see cref="Concurrency"/> in flight.</summary>
    private static async Task<Run> MeasureAsync(int count, Func<int, Task> call, CancellationToken cancellationToken)
    {
        var next = -1;
        var latencies = new List<double>[Concurrency];
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(caller => Task.Run(async () =>
        {
            var mine = latencies[caller] = [];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var callStarted = Stopwatch.GetTimestamp();
                await call(i).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(callStarted).TotalMilliseconds);
            }
        }, cancellationToken)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new Run(count / seconds, new SampleStatistics(latencies.SelectMany(l => l)));
    }

    /// <summary>An endpoint of a connection string (Azurite's default port when it names none).</summary>
    internal static Uri Endpoint(string connectionString, string key, int defaultPort)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals].Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                return new Uri(part[(equals + 1)..]);
            }
        }

        return new Uri($"http://127.0.0.1:{defaultPort}/devstoreaccount1");
    }

    private static async Task<bool> IsReachableAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
