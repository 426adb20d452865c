using System.Diagnostics;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 10. What an occlusion explanation costs against a plain prediction of the same image, as a
/// ratio measured in one run (alternating the two, so both see the same machine load): for a
/// vehicle crop (vehicle-type) and a 1920x1080 frame (traffic-scene, 2x2 tiles). Also what the
/// 5 nearest training examples add to an explanation (the same alternation, examples 0 vs 5).
/// </summary>
public sealed class ExplanationCostScenario : IBenchmarkScenario
{
    public string Id => "explain-cost";

    public string Title => "10. Explanation vs plain prediction";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var grid = context.Quick ? 3 : 7;
        var iterations = context.Quick ? 1 : 5;
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["image", "model", "grid", "items", "backbone images", "predict p50 ms", "explain p50 ms", "ratio", "ratio / items", "explain + 5 examples p50 ms", "with / without examples"],
        };
        var crop = Path.Combine(context.RepositoryRoot, "tests", "samples", "vehicles", "truck106.jpg");
        var frame = context.Frames[0];
        var cases = new (string Name, string Model, byte[] Bytes)[]
        {
            ("crop " + Path.GetFileName(crop), "vehicle-type", await File.ReadAllBytesAsync(crop, cancellationToken)),
            ("frame " + frame.Name, "traffic-scene", frame.Bytes),
        };
        await using var engine = context.CreateEngine();
        foreach (var (name, modelName, bytes) in cases)
        {
            var model = engine.Repository.Get(modelName);
            await engine.WarmUpAsync(model, cancellationToken);
            await engine.PredictAsync(model, bytes, cancellationToken: cancellationToken);
            var predict = new List<double>(iterations);
            var explain = new List<double>(iterations);
            var withExamples = new List<double>(iterations);
            var items = 0;
            var passes = 0;
            for (var i = 0; i < iterations; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await engine.PredictAsync(model, bytes, cancellationToken: cancellationToken);
                predict.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                started = Stopwatch.GetTimestamp();
                var explanation = await engine.ExplainAsync(model, bytes, grid, cancellationToken: cancellationToken);
                explain.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                (items, passes) = (explanation.Items, explanation.BackbonePasses);
                started = Stopwatch.GetTimestamp();
                await engine.ExplainAsync(model, bytes, grid, 5, 0f, 5, cancellationToken);
                withExamples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var p = new SampleStatistics(predict).Median;
            var e = new SampleStatistics(explain).Median;
            var x = new SampleStatistics(withExamples).Median;
            if (model.Examples is { } index)
            {
                // The search alone: one exact pass over the index per call.
                var query = index.Embedding(0).ToArray();
                const int searches = 2000;
                for (var s = 0; s < 200; s++)
                {
                    index.Nearest(query, 5); // warm-up: the first calls are jitted
                }

                var searchStarted = Stopwatch.GetTimestamp();
                for (var s = 0; s < searches; s++)
                {
                    index.Nearest(query, 5);
                }

                result.Notes.Add($"{modelName}: the nearest-example search alone ({index.Count} examples of {index.Dimension} values, k 5) takes {ReportFormat.F(Stopwatch.GetElapsedTime(searchStarted).TotalMilliseconds * 1000 / searches)} µs per call ({searches} calls).");
            }

            result.Row(name, modelName, $"{grid}x{grid}", items.ToString(System.Globalization.CultureInfo.InvariantCulture), passes.ToString(System.Globalization.CultureInfo.InvariantCulture), ReportFormat.F(p), ReportFormat.F(e), ReportFormat.Ratio(e / p), ReportFormat.F(e / p / items, 2), ReportFormat.F(x), ReportFormat.Ratio(x / e));
        }

        result.Notes.Add($"{iterations} alternating rounds per image after warm-up (PredictAsync, then ExplainAsync with grid {grid}, then the same with 5 examples: grid*grid+1 items through the batcher, MaxBatchSize 16); medians of wall time. A ratio per item under 1 is the batching gain: masked copies share runs, and the image is decoded once. \"With / without examples\": an explanation with the 5 nearest training examples per head (from the same pass: the kept backbone output and one exact search of the model's example index) against one without, alternating in the same loop.");
        return result;
    }
}
