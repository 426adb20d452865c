using System.Diagnostics;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 2. The baseline every ratio divides by: ONNX Runtime's <c>Run</c> on prepared tensors
/// (<see cref="RawRunner"/>) at each batch size: ms per batch and images/s.
/// </summary>
public sealed class RawOnnxScenario : IBenchmarkScenario
{
    public string Id => "raw-onnx";

    public string Title => "2. Raw ONNX Runtime Run (baseline)";

    public Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["model", "batch", "ms per batch", "ms per image", "images/s"],
        };
        using var raw = new RawRunner(context, context.BatchSizes.Max());
        foreach (var name in new[] { BenchmarkContext.Embedding, BenchmarkContext.VehicleType })
        {
            var byBatch = new SortedDictionary<int, double>();
            figures.RawBatchMs[name] = byBatch;
            foreach (var batch in context.BatchSizes)
            {
                var iterations = context.Quick ? 3 : Math.Max(6, 48 / batch);
                for (var i = 0; i < (context.Quick ? 1 : 3); i++)
                {
                    raw.Run(name, batch);
                }

                var samples = new List<double>(iterations);
                for (var i = 0; i < iterations; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var started = Stopwatch.GetTimestamp();
                    raw.Run(name, batch);
                    samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                var summary = new SampleStatistics(samples);
                byBatch[batch] = summary.Median;
                result.Row(name, batch.ToString(ReportFormat.Culture), summary.MedianIqr(), ReportFormat.F(summary.Median / batch), ReportFormat.F(batch * 1000.0 / summary.Median));
            }
        }

        result.Notes.Add($"Sessions from OnnxModel.Load (ORT_ENABLE_ALL, sequential, IntraOpNumThreads={raw.Options.IntraOpThreads} = all cores, batch dimension made dynamic). Tensors prepared once from {context.Frames.Count} frame(s) with the scaled decode; each Run wraps the preallocated buffer in an OrtValue. Warmed up per batch size; {(context.Quick ? "3" : "max(6, 48/batch)")} runs each; median (p25–p75).");
        result.Notes.Add("vehicle-type = backbone Run + copy of the 512 features + head Run (logits; no softmax/top-k): what ModelPipeline.Execute runs.");
        return Task.FromResult(result);
    }
}
