using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SmartCity.Inference;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using SmartCity.Training;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 12. The 8-bit quantized ResNet-18 (the <c>resnet18-embedding</c> version with a
/// <c>quantization.json</c>, written by <c>smartcity quantize</c>) against the float version it
/// was made from, all in this one run: ms per image of the bare <c>Run</c> at two batch sizes,
/// engine images/s with concurrent callers, peak working set, session load and first answer in
/// fresh child processes, vehicle-type accuracy on held-out crops (a head trained on each
/// backbone's embeddings with the trainer's split and settings), and the cosine similarity of the
/// two embeddings. Float and quantized runs alternate so both see the same load; every ratio is
/// quantized / float. The verdict applies issue 18's rule: the default only if clearly faster
/// (at least 1.2× images/s with 16 callers and at most 0.85× ms per image at batch 1) with at
/// most 0.5 points of held-out accuracy lost.
/// </summary>
public sealed class QuantizedBackboneScenario : IBenchmarkScenario
{
    public const double FasterThroughput = 1.2;
    public const double FasterLatency = 0.85;
    public const double MaxAccuracyLossPoints = 0.5;

    public string Id => "quantized";

    public string Title => "12. Quantized backbone: 8-bit ResNet-18 vs float";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var versions = context.Repository.Versions(BenchmarkContext.Embedding);
        var quantized = versions.LastOrDefault(v => File.Exists(Path.Combine(v.Directory, "quantization.json")));
        if (quantized is null)
        {
            return ScenarioResult.Skip(Id, Title, $"no quantized version of {BenchmarkContext.Embedding} in {context.ModelsPath} (smartcity quantize writes one)");
        }

        using var quantization = JsonDocument.Parse(File.ReadAllText(Path.Combine(quantized.Directory, "quantization.json")));
        var sourceId = quantization.RootElement.GetProperty("source").GetString() ?? string.Empty;
        var full = versions.FirstOrDefault(v => v.Id == sourceId);
        if (full is null)
        {
            return ScenarioResult.Skip(Id, Title, $"{quantized.Id} was quantized from {sourceId}, which is not in the repository");
        }

        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["measure", full.Id + " (float)", quantized.Id + " (8-bit)", "× float"],
            Memory = "peak working set: each child's own Process.PeakWorkingSet64; the rest in this process",
        };
        var ratios = new List<(string Measure, double Ratio)>();
        void Row(string measure, double f, double q, int decimals = 1, bool ratio = true)
        {
            result.Row(measure, ReportFormat.F(f, decimals), ReportFormat.F(q, decimals), ratio ? ReportFormat.F(q / f, 2) : "–");
            if (ratio)
            {
                ratios.Add((measure, q / f));
            }
        }

        // Bare Run, ms per image, float and quantized alternating.
        var batches = context.Quick ? new[] { 1, 4 } : [1, 16];
        var options = new InferenceOptions { ModelsPath = context.ModelsPath };
        using var floatModel = Load(full, options);
        using var quantizedModel = Load(quantized, options);
        var format = new TensorFormat(full.ImageInput);
        var input = new float[batches.Max() * format.Length];
        using (var preprocessor = new ImagePreprocessor(options.MaxPixels))
        {
            for (var i = 0; i < batches.Max(); i++)
            {
                preprocessor.Preprocess(context.Frames[i % context.Frames.Count].Bytes, format, input.AsSpan(i * format.Length, format.Length), cancellationToken: cancellationToken);
            }
        }

        var msPerImage = new Dictionary<int, (double Float, double Quantized)>();
        foreach (var batch in batches)
        {
            var iterations = context.Quick ? 3 : Math.Max(8, 64 / batch);
            RunBatch(floatModel, input, format, batch);
            RunBatch(quantizedModel, input, format, batch);
            var f = new List<double>();
            var q = new List<double>();
            for (var i = 0; i < iterations; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                f.Add(Time(() => RunBatch(floatModel, input, format, batch)) / batch);
                q.Add(Time(() => RunBatch(quantizedModel, input, format, batch)) / batch);
            }

            msPerImage[batch] = (new SampleStatistics(f).Median, new SampleStatistics(q).Median);
            Row($"bare Run, ms per image at batch {batch} (median of {iterations})", msPerImage[batch].Float, msPerImage[batch].Quantized);
        }

        // The engine with concurrent callers (encoded frames: decode, batcher, Run, postprocessing).
        var callers = context.Quick ? 4 : 16;
        var duration = TimeSpan.FromSeconds(context.Quick ? 1 : 6);
        double engineFloat, engineQuantized;
        await using (var engine = context.CreateEngine())
        {
            await engine.WarmUpAsync(full, cancellationToken);
            await engine.WarmUpAsync(quantized, cancellationToken);
            var f = new List<double>();
            var q = new List<double>();
            for (var round = 0; round < (context.Quick ? 1 : 2); round++)
            {
                f.Add(await ImagesPerSecondAsync(engine, full, context.Frames, callers, duration, cancellationToken));
                q.Add(await ImagesPerSecondAsync(engine, quantized, context.Frames, callers, duration, cancellationToken));
            }

            (engineFloat, engineQuantized) = (f.Average(), q.Average());
            Row($"engine images/s, {callers} callers (mean of {f.Count} runs of {duration.TotalSeconds:0} s each)", engineFloat, engineQuantized);
        }

        // Fresh child processes: the backbone alone, one caller over the frames.
        var images = context.Quick ? 6 : Directory.EnumerateFiles(context.FramesFolder, "*.jpg").Count();
        var repeats = context.Quick ? 1 : 2;
        var children = new Dictionary<string, List<FootprintChild.Report>> { [full.Version] = [], [quantized.Version] = [] };
        for (var r = 0; r < repeats; r++)
        {
            foreach (var version in new[] { full, quantized })
            {
                children[version.Version].Add(await FootprintScenario.LaunchAsync(context, FootprintChild.Argument, FootprintChild.Prefix, BenchmarkJsonContext.Default.FootprintReport,
                    ["--stack", "engine", "--model", version.Name, "--version", version.Version, "--callers", "1", "--count", images.ToString(ReportFormat.Culture)], oneCore: null, cancellationToken));
            }
        }

        double Median(ModelVersion v, Func<FootprintChild.Report, double> value) => new SampleStatistics(children[v.Version].Select(value)).Median;
        Row($"fresh process: peak working set MB ({images} frames, 1 caller)", Median(full, c => c.PeakWorkingSetMb), Median(quantized, c => c.PeakWorkingSetMb), 0);
        Row("fresh process: start → ready ms (session load, warm-up)", Median(full, c => c.ReadyMs), Median(quantized, c => c.ReadyMs), 0);
        Row("fresh process: start → first answer ms", Median(full, c => c.FirstAnswerMs), Median(quantized, c => c.FirstAnswerMs), 0);
        Row("fresh process: ms per image, 1 caller", Median(full, c => c.MsPerImage), Median(quantized, c => c.MsPerImage));

        // Accuracy and similarity on the vehicle crops.
        double? lossPoints = null;
        var crops = Path.GetFullPath(Path.Combine(context.RepositoryRoot, "..", "shared", "data", "vehicles"));
        if (Directory.Exists(crops))
        {
            var set = LabelledCrops(crops, context.Quick ? 10 : int.MaxValue);
            var started = Stopwatch.GetTimestamp();
            var (floatEmbeddings, quantizedEmbeddings) = Embed(floatModel, quantizedModel, format, options, set.Files, cancellationToken);
            var embedSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cosines = floatEmbeddings.Zip(quantizedEmbeddings, Cosine).ToList();
            var (train, test) = HeadTraining.StratifiedSplit(set.Classes, HeadTraining.DefaultHeldOutFraction, HeadTraining.HeldOutSeed);
            var (floatAccuracy, floatHead) = HeldOutAccuracy(floatEmbeddings, set, train, test);
            var (quantizedAccuracy, _) = HeldOutAccuracy(quantizedEmbeddings, set, train, test);
            var unretrained = ClassificationReport.Evaluate(floatHead, HeadTraining.Select(quantizedEmbeddings, test), HeadTraining.Select(set.Classes, test), set.Labels).Accuracy;
            Row($"vehicle-type held-out accuracy % ({test.Count} crops; head trained on each backbone's embeddings of the other {train.Count})", floatAccuracy * 100, quantizedAccuracy * 100, 2, ratio: false);
            result.Row("vehicle-type held-out accuracy %, the float-trained head on 8-bit embeddings (no retraining)", "–", ReportFormat.F(unretrained * 100, 2), "–");
            result.Row($"embedding cosine similarity to float, {set.Files.Count} crops: mean / min", "1", $"{ReportFormat.F(cosines.Average(), 4)} / {ReportFormat.F(cosines.Min(), 4)}", "–");
            lossPoints = (floatAccuracy - quantizedAccuracy) * 100;
            result.Notes.Add($"Accuracy: the crops of {crops} ({set.Files.Count}{(context.Quick ? ", at most 10 per class in --quick" : string.Empty)}), split as train-vehicle-type splits them (20% of each class held out, seed 42); for each backbone a head is trained on the rest with the trainer's settings (L2 chosen on its validation split) and scored on the held-out crops. Embedded in {ReportFormat.F(embedSeconds, 0)} s (both backbones, batches of 16). Accuracy lost: {ReportFormat.F(lossPoints.Value, 2)} points.");
        }
        else
        {
            result.Notes.Add($"Accuracy and cosine similarity on crops skipped: no {crops}.");
        }

        var frameCosines = new List<double>();
        using var framePreprocessor = new ImagePreprocessor(options.MaxPixels);
        var tensor = new float[format.Length];
        for (var i = 0; i < context.Frames.Count; i++)
        {
            framePreprocessor.Preprocess(context.Frames[i].Bytes, format, tensor, cancellationToken: cancellationToken);
            frameCosines.Add(Cosine(RunOne(floatModel, tensor, format), RunOne(quantizedModel, tensor, format)));
        }

        result.Row($"embedding cosine similarity to float, {context.Frames.Count} camera frames: mean / min", "1", $"{ReportFormat.F(frameCosines.Average(), 4)} / {ReportFormat.F(frameCosines.Min(), 4)}", "–");
        foreach (var (measure, ratio) in ratios)
        {
            figures.QuantizedBackbone.Add(new QuantizedFigure(measure, ratio));
        }

        var throughputRatio = engineQuantized / engineFloat;
        var latencyRatio = msPerImage[1].Quantized / msPerImage[1].Float;
        var faster = throughputRatio >= FasterThroughput && latencyRatio <= FasterLatency;
        var accurate = lossPoints is { } loss && loss <= MaxAccuracyLossPoints;
        result.Notes.Add($"Rule (issue 18): the 8-bit backbone is the default only if clearly faster (engine images/s with {callers} callers ≥ {FasterThroughput}× and bare Run ms per image at batch 1 ≤ {FasterLatency}× float) with at most {MaxAccuracyLossPoints} points of held-out accuracy lost. This run: {ReportFormat.F(throughputRatio, 2)}× images/s, {ReportFormat.F(latencyRatio, 2)}× ms per image, {(lossPoints is { } l ? ReportFormat.F(l, 2) + " points lost" : "accuracy not measured")}: {(faster && accurate ? "meets the rule" : "does not meet the rule")} ({(faster ? "clearly faster" : "not clearly faster")}, {(lossPoints is null ? "accuracy unknown" : accurate ? "accuracy kept" : "too much accuracy lost")}).");
        result.Notes.Add($"Bare Run: sessions from OnnxModel.Load with the engine's options ({full.Id} with its batch dimension made dynamic; {quantized.Id} is written with it), tensors from {Math.Min(context.Frames.Count, batches.Max())} frame(s), float and 8-bit runs alternating. Engine: one engine serving both, {callers} callers looping PredictAsync on the frames, float and 8-bit runs alternating. Children: the benchmark's dll relaunched per run serving the backbone alone (WarmUpAsync, then {images} frames one at a time), optimised-model cache off, {repeats} per version alternating, medians.");
        result.Notes.Add($"Cosine similarity: of the L2-normalised float and 8-bit embeddings of the same preprocessed image. {quantized.Id} was calibrated on {quantization.RootElement.GetProperty("calibrationImages").GetArrayLength()} images of the same shared sets (listed in its quantization.json), so a few of the crops and frames compared here were seen in calibration (no labels are used there).");
        return result;
    }

    private static OnnxModel Load(ModelVersion model, InferenceOptions options) =>
        OnnxModel.Load(model.Id, model.OnnxPath, model.Manifest.Input?.Name, model.Manifest.Output?.Name, model.Manifest.DynamicBatch, options, optimizedCachePath: null);

    private static double Time(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static float[] RunBatch(OnnxModel model, float[] input, TensorFormat format, int batch)
    {
        using var runOptions = new RunOptions();
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, batch * format.Length), format.Shape(batch));
        using var outputs = model.Session.Run(runOptions, [model.InputName], [value], [model.OutputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] RunOne(OnnxModel model, float[] tensor, TensorFormat format) => RunBatch(model, tensor, format, 1);

    private static async Task<double> ImagesPerSecondAsync(InferenceEngine engine, ModelVersion model, IReadOnlyList<Frame> frames, int callers, TimeSpan duration, CancellationToken cancellationToken)
    {
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            for (var i = c; clock.Elapsed < duration; i += callers)
            {
                await engine.PredictAsync(model, frames[i % frames.Count].Bytes, 0, 0f, cancellationToken);
                Interlocked.Increment(ref done);
            }
        }, cancellationToken)));
        return done / clock.Elapsed.TotalSeconds;
    }

    private sealed record Crops(List<string> Labels, List<string> Files, List<int> Classes);

    private static Crops LabelledCrops(string folder, int perClass)
    {
        var labels = Directory.EnumerateDirectories(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var files = new List<string>();
        var classes = new List<int>();
        for (var c = 0; c < labels.Count; c++)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, labels[c]), "*.jpg").Order(StringComparer.Ordinal).Take(perClass))
            {
                files.Add(file);
                classes.Add(c);
            }
        }

        return new Crops(labels, files, classes);
    }

    /// <summary>Both backbones' L2-normalised embeddings of every file, preprocessed once, in batches of 16.</summary>
    private static (float[][] Float, float[][] Quantized) Embed(OnnxModel floatModel, OnnxModel quantizedModel, TensorFormat format, InferenceOptions options, List<string> files, CancellationToken cancellationToken)
    {
        const int Batch = 16;
        var f = new float[files.Count][];
        var q = new float[files.Count][];
        var buffer = new float[Batch * format.Length];
        using var preprocessor = new ImagePreprocessor(options.MaxPixels);
        for (var start = 0; start < files.Count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(Batch, files.Count - start);
            for (var i = 0; i < count; i++)
            {
                preprocessor.Preprocess(File.ReadAllBytes(files[start + i]), format, buffer.AsSpan(i * format.Length, format.Length), cancellationToken: cancellationToken);
            }

            var fb = RunBatch(floatModel, buffer, format, count);
            var qb = RunBatch(quantizedModel, buffer, format, count);
            var length = fb.Length / count;
            for (var i = 0; i < count; i++)
            {
                f[start + i] = Normalized(fb.AsSpan(i * length, length));
                q[start + i] = Normalized(qb.AsSpan(i * length, length));
            }
        }

        return (f, q);
    }

    private static float[] Normalized(ReadOnlySpan<float> values)
    {
        var norm = 0.0;
        foreach (var v in values)
        {
            norm += (double)v * v;
        }

        var scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i] * scale;
        }

        return result;
    }

    /// <summary>As train-vehicle-type: L2 chosen on the training part's validation split, head trained on the whole training part, scored on the held-out part.</summary>
    private static (double Accuracy, SoftmaxRegression Head) HeldOutAccuracy(float[][] embeddings, Crops set, List<int> train, List<int> test)
    {
        var (fit, validation) = HeadTraining.ValidationSplit(set.Classes, train);
        var scores = HeadTraining.L2Choices.Select(l2 => HeadTraining.ScoreL2(embeddings, set.Classes, set.Labels.Count, fit, validation, l2)).ToList();
        var l2 = HeadTraining.L2Choices[HeadTraining.ChooseL2(scores)];
        var head = SoftmaxRegression.Train(HeadTraining.Select(embeddings, train), HeadTraining.Select(set.Classes, train), set.Labels.Count, l2);
        return (ClassificationReport.Evaluate(head, HeadTraining.Select(embeddings, test), HeadTraining.Select(set.Classes, test), set.Labels).Accuracy, head);
    }

    private static double Cosine(float[] a, float[] b) =>
        // TensorPrimitives gives NaN for a zero vector; no similarity is 0 here.
        TensorPrimitives.CosineSimilarity(a, b) is var cosine && float.IsFinite(cosine) ? cosine : 0;
}
