using System.Diagnostics;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 3. One caller, encoded bytes to the labelled answer (<see cref="InferenceEngine.PredictAsync(string, string?, ReadOnlyMemory{byte}, int, float, CancellationToken)"/>):
/// p50/p95/p99 and the ratio to the raw Run at batch 1. The engine's own timings give the breakdown.
/// </summary>
public sealed class EngineLatencyScenario : IBenchmarkScenario
{
    /// <summary>Engine single prediction ÷ raw Run at batch 1.</summary>
    public const double Target = 1.15;

    public string Id => "engine-latency";

    public string Title => "3. Engine single prediction (one caller)";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["model", "p50 ms", "p95 ms", "p99 ms", "decode", "resize+fill", "queue", "inference", "postprocess", "raw Run b=1", "ratio", $"target ≤ {ReportFormat.Ratio(Target)}"],
        };
        var iterations = context.Quick ? 8 : 150;
        await using var engine = context.CreateEngine();
        using var raw = new RawRunner(context, 1);
        foreach (var name in new[] { BenchmarkContext.VehicleType, BenchmarkContext.Embedding })
        {
            var model = engine.Repository.Get(name);
            await engine.WarmUpAsync(model, cancellationToken);
            for (var i = 0; i < (context.Quick ? 2 : 10); i++)
            {
                await engine.PredictAsync(model, context.Frames[i % context.Frames.Count].Bytes, cancellationToken: cancellationToken);
            }

            raw.Run(name, 1);
            var wall = new List<double>(iterations);
            var rawWall = new List<double>(iterations);
            var timings = new List<PredictionTimings>(iterations);
            for (var i = 0; i < iterations; i++)
            {
                // The raw Run is measured in the same loop, so both see the same machine load.
                var rawStarted = Stopwatch.GetTimestamp();
                raw.Run(name, 1);
                rawWall.Add(Stopwatch.GetElapsedTime(rawStarted).TotalMilliseconds);
                var started = Stopwatch.GetTimestamp();
                var prediction = await engine.PredictAsync(model, context.Frames[i % context.Frames.Count].Bytes, cancellationToken: cancellationToken);
                wall.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                timings.Add(prediction.Timings);
            }

            var summary = new SampleStatistics(wall);
            double Median(Func<PredictionTimings, double> pick) => new SampleStatistics(timings.Select(pick)).Median;
            var decode = Median(t => t.DecodeMs);
            var resize = Median(t => t.ResizeMs);
            var queue = Median(t => t.QueueMs);
            var inference = Median(t => t.InferenceMs);
            var post = Median(t => t.PostprocessMs);
            var rawMedian = new SampleStatistics(rawWall).Median;
            var ratio = summary.Median / rawMedian;
            figures.EngineP50[name] = summary.Median;
            var other = Math.Max(0, summary.Median - decode - resize - queue - inference - post);
            figures.Paths[$"engine {name}"] = new LatencyBreakdown($"engine {name}", [("decode", decode), ("resize+fill", resize), ("queue", queue), ("inference", inference), ("postprocess", post), ("other", other)]);
            figures.Paths[$"raw Run {name}"] = new LatencyBreakdown($"raw Run {name}", [("inference", rawMedian)]);

            result.Row(name, ReportFormat.F(summary.Median), ReportFormat.F(summary.P95), ReportFormat.F(summary.P99), ReportFormat.F(decode), ReportFormat.F(resize), ReportFormat.F(queue, 2), ReportFormat.F(inference), ReportFormat.F(post, 2), ReportFormat.F(rawMedian), ReportFormat.Ratio(ratio), ratio <= Target ? "met" : "missed");
        }

        result.Notes.Add($"{iterations} sequential predictions per model after warm-up, cycling {context.Frames.Count} frame(s); Stopwatch around PredictAsync; component columns are medians of Prediction.Timings (ms). Engine defaults: scaled decode, MaxBatchSize 16, MaxQueueDelayMs 4 (a lone caller does not wait).");
        result.Notes.Add("The raw Run b=1 column is measured here, alternating one raw Run (RawRunner, own sessions) with one engine call, so a noisy machine weighs on both alike. The ratio divides the engine's p50 (decode + resize + batching + Run + postprocess) by that median, so it includes the preprocessing the raw Run does not do (the decode and resize+fill columns).");
        return result;
    }
}
