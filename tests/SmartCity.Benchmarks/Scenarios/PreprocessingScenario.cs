using SmartCity.Inference.Imaging;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 1. A 1920×1080 JPEG into the 224×224 tensor, with the full decode and with the codec's scaled
/// decode: ms per image, split into decode and resize + tensor fill (the preprocessor's own ticks).
/// </summary>
public sealed class PreprocessingScenario : IBenchmarkScenario
{
    public string Id => "preprocessing";

    public string Title => "1. Preprocessing: 1920×1080 JPEG → 224×224 tensor";

    public Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["decode", "decoded size", "total ms", "decode ms", "resize+fill ms", "decode share", "images/s (1 thread)"],
        };
        var format = new TensorFormat(context.Repository.Get(BenchmarkContext.Embedding).ImageInput);
        var tensor = new float[format.Length];
        var warmUp = context.Quick ? 2 : 5;
        var iterations = context.Quick ? 6 : 60;
        var medians = new Dictionary<bool, double>();
        foreach (var scaled in new[] { false, true })
        {
            var preprocessor = new ImagePreprocessor(40_000_000, scaled);
            for (var i = 0; i < warmUp; i++)
            {
                preprocessor.Preprocess(context.Frames[i % context.Frames.Count].Bytes, format, tensor, cancellationToken: cancellationToken);
            }

            var decode = new List<double>(iterations);
            var resize = new List<double>(iterations);
            var total = new List<double>(iterations);
            var size = "";
            for (var i = 0; i < iterations; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var r = preprocessor.Preprocess(context.Frames[i % context.Frames.Count].Bytes, format, tensor, cancellationToken: cancellationToken);
                total.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                decode.Add(ReportFormat.Ms(r.DecodeTicks));
                resize.Add(ReportFormat.Ms(r.ResizeTicks));
                size = $"{r.DecodedWidth}×{r.DecodedHeight}";
            }

            var t = new SampleStatistics(total);
            var share = decode.Sum() / (decode.Sum() + resize.Sum());
            medians[scaled] = t.Median;
            result.Row(
                scaled ? "scaled" : "full",
                size,
                t.MedianIqr(),
                new SampleStatistics(decode).MedianIqr(),
                new SampleStatistics(resize).MedianIqr(),
                $"{share:P0}",
                ReportFormat.F(1000.0 / t.Median, 0));
        }

        result.Notes.Add($"{iterations} images per mode after {warmUp} warm-up, cycling {context.Frames.Count} frame(s); one thread; ImagePreprocessor's DecodeTicks/ResizeTicks; total is Stopwatch around Preprocess (includes opening the codec). Median (p25–p75).");
        result.Notes.Add($"Scaled decode is {ReportFormat.Ratio(medians[false] / medians[true])} faster than the full decode.");
        return Task.FromResult(result);
    }
}
