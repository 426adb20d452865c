using System.Diagnostics;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 5. Concurrent callers through the dynamic batcher (vehicle-type, encoded frames): images/s
/// and p99 per caller count, the ratio to the raw batched Run at its best batch size, and the
/// batcher's gain (images/s by maximum batch size at a fixed number of callers).
/// </summary>
public sealed class ThroughputScenario : IBenchmarkScenario
{
    /// <summary>Engine images/s at 16 callers ÷ raw batched Run at its best batch size.</summary>
    public const double Target = 0.85;

    public string Id => "throughput";

    public string Title => "5. Throughput under concurrency (dynamic batcher)";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["run", "callers", "max batch", "images/s", "p50 ms", "p99 ms", "mean batch", "raw images/s (adjacent)", "ratio to raw"],
        };
        var duration = TimeSpan.FromSeconds(context.Quick ? 1 : 6);
        var (bestBatch, _) = figures.BestRaw(BenchmarkContext.VehicleType);
        if (bestBatch == 0)
        {
            bestBatch = 1;
        }

        // The raw Run at the best batch size is measured again right before each run, so the
        // ratio compares figures taken under the same machine load.
        using var raw = new RawRunner(context, bestBatch);
        raw.Run(BenchmarkContext.VehicleType, bestBatch);
        double RawNow()
        {
            var samples = new List<double>();
            for (var i = 0; i < (context.Quick ? 1 : 3); i++)
            {
                var started = Stopwatch.GetTimestamp();
                raw.Run(BenchmarkContext.VehicleType, bestBatch);
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return bestBatch * 1000.0 / new SampleStatistics(samples).Median;
        }

        await using (var engine = context.CreateEngine())
        {
            var model = engine.Repository.Get(BenchmarkContext.VehicleType);
            await engine.WarmUpAsync(model, cancellationToken);
            foreach (var callers in context.Concurrency)
            {
                var rawRate = RawNow();
                var run = await MeasureAsync(engine, model, context, callers, duration, cancellationToken);
                figures.ThroughputByCallers[callers] = run.ImagesPerSecond;
                var ratio = run.ImagesPerSecond / rawRate;
                result.Row("concurrency", callers.ToString(ReportFormat.Culture), "16", ReportFormat.F(run.ImagesPerSecond), ReportFormat.F(run.Latency.Median), ReportFormat.F(run.Latency.P99), ReportFormat.F(run.MeanBatch), ReportFormat.F(rawRate), ReportFormat.Ratio(ratio));
                if (callers == 16)
                {
                    result.Notes.Add($"Target at 16 callers ≥ {ReportFormat.Ratio(Target)} of the raw Run at batch {bestBatch} (the best batch size in scenario 2; {ReportFormat.F(rawRate)} images/s measured just before): {ReportFormat.Ratio(ratio)}, {(ratio >= Target ? "met" : "missed")}.");
                }
            }
        }

        foreach (var maxBatch in context.MaxBatchSizes)
        {
            await using var engine = context.CreateEngine(maxBatchSize: maxBatch);
            var model = engine.Repository.Get(BenchmarkContext.VehicleType);
            await engine.WarmUpAsync(model, cancellationToken);
            var rawRate = RawNow();
            var run = await MeasureAsync(engine, model, context, context.GainCallers, duration, cancellationToken);
            figures.ThroughputByMaxBatch[maxBatch] = run.ImagesPerSecond;
            result.Row("batcher gain", context.GainCallers.ToString(ReportFormat.Culture), maxBatch.ToString(ReportFormat.Culture), ReportFormat.F(run.ImagesPerSecond), ReportFormat.F(run.Latency.Median), ReportFormat.F(run.Latency.P99), ReportFormat.F(run.MeanBatch), ReportFormat.F(rawRate), ReportFormat.Ratio(run.ImagesPerSecond / rawRate));
        }

        if (figures.ThroughputByMaxBatch.TryGetValue(1, out var unbatched) && figures.ThroughputByMaxBatch.Count > 1)
        {
            var largest = figures.ThroughputByMaxBatch.Keys.Max();
            var (best, bestRate) = figures.ThroughputByMaxBatch.MaxBy(kv => kv.Value);
            result.Notes.Add($"Batcher gain at {context.GainCallers} callers: max batch {largest} gives {ReportFormat.Ratio(figures.ThroughputByMaxBatch[largest] / unbatched)} the images/s of max batch 1; the best was max batch {best} ({ReportFormat.Ratio(bestRate / unbatched)}).");
        }

        result.Notes.Add($"vehicle-type; each caller loops PredictAsync on encoded frames for {duration.TotalSeconds:F0} s (after engine warm-up); images/s = answers ÷ wall time; latency per call, Stopwatch; mean batch from the batcher's BatchSizeCounts. Engine defaults otherwise (scaled decode, MaxQueueDelayMs 4). Decoding competes with ONNX Runtime for the same {Environment.ProcessorCount} cores.");
        return result;
    }

    private sealed record Run(double ImagesPerSecond, SampleStatistics Latency, double MeanBatch);

    private static async Task<Run> MeasureAsync(InferenceEngine engine, ModelVersion model, BenchmarkContext context, int callers, TimeSpan duration, CancellationToken cancellationToken)
    {
        var before = engine.BatchSizeCounts(model).ToArray();
        var latencies = new List<double>[callers];
        var started = Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var mine = latencies[caller] = [];
            for (var i = caller; Stopwatch.GetElapsedTime(started) < duration; i++)
            {
                var call = Stopwatch.GetTimestamp();
                await engine.PredictAsync(model, context.Frames[i % context.Frames.Count].Bytes, cancellationToken: cancellationToken).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(call).TotalMilliseconds);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = engine.BatchSizeCounts(model);
        long batches = 0, items = 0;
        for (var size = 1; size < after.Count; size++)
        {
            var delta = after[size] - before[size];
            batches += delta;
            items += delta * size;
        }

        var all = latencies.SelectMany(l => l).ToList();
        return new Run(all.Count / elapsed, new SampleStatistics(all), batches == 0 ? 0 : (double)items / batches);
    }
}
