using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Cameras;
using SmartCity.Cameras.Storage;
using SmartCity.Functions.Cameras;
using SmartCity.Functions.Http;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 9. Load and soak against Azurite (<c>SMARTCITY_TEST_STORAGE</c>, as scenario 6): single
/// predictions through <see cref="PredictFunctions"/> alone first (the baseline), then the same
/// single predictions while multi-image requests (multipart, three frames), corrupt requests and
/// camera uploads (frames, truncated and non-image files, each delivered to
/// <see cref="ClassifyCameraImage"/>) run at once, on one engine as one instance serves them.
/// Reports request rates, p50/p99 of the single predictions alone and under the mix (their ratio
/// is taken in the same run), uploads per second, and the managed heap after a full collection
/// at the start and at the end; the command adds the peak working set. Afterwards every upload
/// must have exactly one result or rejection row and no request may have been answered 5xx, or
/// the scenario fails. Its correctness twin is the CI test <c>LoadAndSoakTests</c>.
/// </summary>
public sealed class SoakScenario : IBenchmarkScenario
{
    private const string Model = BenchmarkContext.VehicleType;
    private const string Camera = "cam-soak";
    private const int SingleCallers = 4;
    private const int MultiCallers = 2;
    private const int UploadWorkers = 8;

    public string Id => "soak";

    public string Title => "9. Load and soak: HTTP predictions and camera uploads at once (Azurite)";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var connection = Environment.GetEnvironmentVariable(CameraPipelineScenario.StorageVariable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            return ScenarioResult.Skip(Id, Title, $"skipped: {CameraPipelineScenario.StorageVariable} is not set (`source scripts/azurite.sh; start_azurite` sets it)");
        }

        var singles = context.Quick ? 12 : 400;
        var multis = context.Quick ? 3 : 60;
        var uploads = context.Quick ? 8 : 240;
        var id = Guid.NewGuid().ToString("N")[..10];
        var options = new CameraPipelineOptions { ImagesContainer = $"soak-img-{id}", ResultsContainer = $"soak-res-{id}", RejectedContainer = $"soak-rej-{id}", TableName = $"soak{id}" };
        var blobs = new BlobServiceClient(connection);
        var tables = new TableServiceClient(connection);
        var images = blobs.GetBlobContainerClient(options.ImagesContainer);
        await using var engine = context.CreateEngine();
        try
        {
            await images.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var predict = new PredictFunctions(new PredictHandler(engine, Options.Create(new HttpApiOptions())));
            var classify = new ClassifyCameraImage(new CameraImageClassifier(engine, new CameraResultStore(blobs, tables, options)), Options.Create(options), NullLogger<ClassifyCameraImage>.Instance);
            var (multipart, multipartType) = await MultipartAsync(context.Frames);
            byte[] corrupt = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Repeat((byte)0x42, 64)];
            var answers = new ConcurrentQueue<int>();
            Task<double> SinglePredict(int i) => TimedAsync(predict, context.Frames[i % context.Frames.Count].Bytes, "image/jpeg", 200, answers);
            Task<double> MultiPredict(int i) => i % 4 == 3
                ? TimedAsync(predict, corrupt, "image/png", 400, answers)
                : TimedAsync(predict, multipart, multipartType, 200, answers);
            var uploaded = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            Task<double> UploadOne(int i) => UploadAsync(images, classify, context.Frames, i, uploaded);

            // Warm-up: sessions, JIT, the results containers and table, pools and connections.
            await RunAsync(SingleCallers, SingleCallers * 2, SinglePredict);
            await RunAsync(MultiCallers, MultiCallers * 2, MultiPredict);
            await RunAsync(UploadWorkers, UploadWorkers, i => UploadOne(uploads + i));
            var heapStart = ManagedBytesAfterFullCollection();

            var alone = await RunAsync(SingleCallers, singles, SinglePredict);
            var mixed = new Task<Run>[]
            {
                RunAsync(SingleCallers, singles, SinglePredict),
                RunAsync(MultiCallers, multis, MultiPredict),
                RunAsync(UploadWorkers, uploads, UploadOne),
            };
            await Task.WhenAll(mixed);
            var (underLoad, multi, camera) = (mixed[0].Result, mixed[1].Result, mixed[2].Result);
            await CheckExactlyOnceAsync(tables.GetTableClient(options.TableName), uploaded, cancellationToken);
            var notAsExpected = answers.Count(status => status != 0);
            if (notAsExpected > 0)
            {
                throw new InvalidOperationException($"{notAsExpected} request(s) were not answered as expected ({string.Join(", ", answers.Where(s => s != 0).Distinct())}).");
            }

            var heapEnd = ManagedBytesAfterFullCollection();
            var result = new ScenarioResult(Id, Title)
            {
                Columns = ["stream", "calls", "in flight", "calls/s", "images/s", "p50 ms", "p99 ms", "p50 ratio", "p99 ratio"],
            };
            var imagesPerMulti = (context.Frames.Count >= 3 ? 3 : context.Frames.Count) * 0.75;
            result.Row("single predict, alone (baseline)", Calls(alone), SingleCallers.ToString(ReportFormat.Culture), ReportFormat.F(alone.PerSecond), ReportFormat.F(alone.PerSecond), ReportFormat.F(alone.Latency.Median), ReportFormat.F(alone.Latency.P99), ReportFormat.Ratio(1), ReportFormat.Ratio(1));
            result.Row("single predict, under the mix", Calls(underLoad), SingleCallers.ToString(ReportFormat.Culture), ReportFormat.F(underLoad.PerSecond), ReportFormat.F(underLoad.PerSecond), ReportFormat.F(underLoad.Latency.Median), ReportFormat.F(underLoad.Latency.P99), ReportFormat.Ratio(underLoad.Latency.Median / alone.Latency.Median), ReportFormat.Ratio(underLoad.Latency.P99 / alone.Latency.P99));
            result.Row("multi-image predict (1 in 4 corrupt)", Calls(multi), MultiCallers.ToString(ReportFormat.Culture), ReportFormat.F(multi.PerSecond), ReportFormat.F(multi.PerSecond * imagesPerMulti), ReportFormat.F(multi.Latency.Median), ReportFormat.F(multi.Latency.P99), "", "");
            result.Row("camera uploads (1 in 6 bad)", Calls(camera), UploadWorkers.ToString(ReportFormat.Culture), ReportFormat.F(camera.PerSecond), ReportFormat.F(camera.PerSecond * 5 / 6), ReportFormat.F(camera.Latency.Median), ReportFormat.F(camera.Latency.P99), "", "");
            result.Notes.Add($"{Model}, {context.Frames.Count} frame(s) from {Path.GetRelativePath(context.RepositoryRoot, context.FramesFolder)}. The baseline runs the single predictions (image/jpeg, one frame each) alone with {SingleCallers} callers; then the same {singles} run again while {MultiCallers} callers send multipart requests of {Math.Min(3, context.Frames.Count)} frames (every fourth a corrupt PNG, answered 400) and {UploadWorkers} workers upload blobs to Azurite and call ClassifyCameraImage.RunAsync for each (one in six is a truncated frame or a text file, which must be rejected; every fifth is delivered twice at once; images/s counts the classified ones). Ratios divide the figure under the mix by the baseline's of this run. calls/s = calls ÷ the stream's wall time; an upload's time includes its upload to Azurite.");
            result.Notes.Add($"Managed heap after a full blocking compacting collection: {ReportFormat.F(heapStart / 1048576.0)} MB after warm-up, {ReportFormat.F(heapEnd / 1048576.0)} MB at the end ({(heapEnd >= heapStart ? "+" : "")}{ReportFormat.F((heapEnd - heapStart) / 1048576.0)} MB). Checked afterwards: all {uploaded.Count} uploads have exactly one result or rejection row, of the right status, and every request got the answer it must ({answers.Count} answers, none 5xx).");
            if (context.Quick)
            {
                result.Notes.Add("--quick: a handful of calls per stream, so p99 is the maximum and the ratios are noise; read the full run.");
            }

            return result;
        }
        finally
        {
            foreach (var container in new[] { options.ImagesContainer, options.ResultsContainer, options.RejectedContainer })
            {
                await blobs.GetBlobContainerClient(container).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            }

            await tables.DeleteTableAsync(options.TableName, CancellationToken.None);
        }
    }

    private sealed record Run(int Calls, double PerSecond, SampleStatistics Latency);

    private static string Calls(Run run) => run.Calls.ToString(ReportFormat.Culture);

    /// <summary><paramref name="count"/> calls of <paramref name="call"/> (each returning its milliseconds) from <paramref name="callers"/> callers.</summary>
    private static async Task<Run> RunAsync(int callers, int count, Func<int, Task<double>> call)
    {
        var next = -1;
        var latencies = new ConcurrentQueue<double>();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                latencies.Enqueue(await call(i).ConfigureAwait(false));
            }
        })));
        return new Run(count, count / Stopwatch.GetElapsedTime(started).TotalSeconds, new SampleStatistics(latencies));
    }

    /// <summary>One native predict call with a real <see cref="DefaultHttpContext"/>; 0 in <paramref name="answers"/> when it got <paramref name="status"/>, else the status it got.</summary>
    private static async Task<double> TimedAsync(PredictFunctions predict, byte[] body, string contentType, int status, ConcurrentQueue<int> answers)
    {
        var started = Stopwatch.GetTimestamp();
        var (got, answer) = await InProcessHttp.PostAsync($"/api/models/{Model}/predict", body, contentType, request => predict.Predict(request, Model));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        answers.Enqueue(got == status && answer.Length > 0 ? 0 : got);
        return elapsed;
    }

    /// <summary>Uploads blob <paramref name="i"/> and delivers it (every fifth twice at once); records the status its row must have.</summary>
    private static async Task<double> UploadAsync(BlobContainerClient images, ClassifyCameraImage classify, IReadOnlyList<Frame> frames, int i, ConcurrentDictionary<string, string> uploaded)
    {
        var started = Stopwatch.GetTimestamp();
        var name = $"u{i:D5}.jpg";
        var frame = frames[i % frames.Count].Bytes;
        var (content, status) = (i % 12) switch
        {
            4 => (frame[..(frame.Length / 3)], CameraImageClassifier.StatusRejected),
            10 => ("this is not an image"u8.ToArray(), CameraImageClassifier.StatusRejected),
            _ => (frame, CameraImageClassifier.StatusClassified),
        };
        var blob = images.GetBlobClient($"{Camera}/{name}");
        await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true).ConfigureAwait(false);
        var deliveries = i % 5 == 0 ? 2 : 1;
        await Task.WhenAll(Enumerable.Range(0, deliveries).Select(_ => Task.Run(() => classify.RunAsync(blob, Camera, name, CancellationToken.None)))).ConfigureAwait(false);
        uploaded[name] = status;
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Every upload has exactly one row, of the status its content must get, and there is no other row.</summary>
    private static async Task CheckExactlyOnceAsync(TableClient table, ConcurrentDictionary<string, string> uploaded, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Camera}"), cancellationToken: cancellationToken))
        {
            if (!row.RowKey.StartsWith(CameraRowKeys.IndexPrefix, StringComparison.Ordinal) && row.RowKey != CameraRowKeys.FrameState)
            {
                var name = row.GetString("BlobName") ?? string.Empty;
                (rows.TryGetValue(name, out var list) ? list : rows[name] = []).Add(row.GetString("Status") ?? string.Empty);
            }
        }

        var wrong = uploaded.Where(u => !rows.TryGetValue(u.Key, out var statuses) || statuses.Count != 1 || statuses[0] != u.Value).Select(u => u.Key).ToList();
        var extra = rows.Keys.Where(k => !uploaded.ContainsKey(k)).ToList();
        if (wrong.Count > 0 || extra.Count > 0)
        {
            throw new InvalidOperationException($"{wrong.Count} upload(s) without exactly one row of the right status ({string.Join(", ", wrong.Take(5))}), {extra.Count} row(s) of no upload.");
        }
    }

    /// <summary>A multipart form of (up to) three frames, as a client sends several images in one request.</summary>
    private static async Task<(byte[] Body, string ContentType)> MultipartAsync(IReadOnlyList<Frame> frames)
    {
        using var content = new MultipartFormDataContent();
        foreach (var frame in frames.Take(3))
        {
            var part = new ByteArrayContent(frame.Bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            content.Add(part, "images", frame.Name);
        }

        return (await content.ReadAsByteArrayAsync(), content.Headers.ContentType!.ToString());
    }

    private static long ManagedBytesAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
