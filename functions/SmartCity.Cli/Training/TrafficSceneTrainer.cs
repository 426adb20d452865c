using SmartCity.Training;
using System.Diagnostics;
using System.Drawing;
using System.Globalization;
using System.Text;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Onnx;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>train-traffic-scene</c>: congestion and lighting heads over pooled ResNet-18 features of
/// several regions of a full camera frame. Compares region layouts leave-one-camera-out, keeps
/// the best, measures the frozen-feed threshold, and writes <c>models/traffic-scene/1</c>.
/// </summary>
internal static class TrafficSceneTrainer
{
    private static readonly string[] Congestion = ["free", "moderate", "heavy"];
    private static readonly string[] Lighting = ["day", "twilight", "night"];

    /// <summary>Weight of a frame whose congestion label is marked unsure.</summary>
    private const float UnsureWeight = 0.5f;

    private static readonly float[] L2Choices = [1e-2f, 1e-1f, 1f];

    private sealed record Frame(string File, string Camera, int Congestion, int Lighting, bool Sure, DateTime Time);

    /// <summary>How region embeddings become one feature vector.</summary>
    internal enum Pooling
    {
        Mean,
        MeanMax,
    }

    private sealed record Layout(string Name, int Columns, int Rows, bool IncludeFull, Pooling Pooling = Pooling.Mean);

    private static readonly Layout[] Layouts =
    [
        new("squash (1 region)", 1, 1, false),
        new("2x2 tiles, mean", 2, 2, false),
        new("full + 2x2 tiles, mean", 2, 2, true),
        new("3x3 tiles, mean", 3, 3, false),
        new("full + 3x3 tiles, mean", 3, 3, true),
        new("2x2 tiles, mean+max", 2, 2, false, Pooling.MeanMax),
        new("3x3 tiles, mean+max", 3, 3, false, Pooling.MeanMax),
        new("full + 3x3 tiles, mean+max", 3, 3, true, Pooling.MeanMax),
    ];

    public static async Task<int> RunAsync(Arguments arguments)
    {
        var data = arguments.Get("data", Path.Combine("..", "shared", "data", "traffic-cameras"));
        var output = arguments.Get("out", Path.Combine("models", "traffic-scene", "1"));
        var labelsPath = Path.Combine(data, "labels.csv");
        if (!File.Exists(labelsPath))
        {
            throw new ArgumentException($"'{labelsPath}' does not exist.");
        }

        var rows = File.ReadAllLines(labelsPath).Skip(1).Select(l => l.Split(',')).ToList();
        var frames = rows.Where(r => r[2] != "unusable")
            .Select(r => new Frame(Path.Combine(data, r[0]), r[1], Array.IndexOf(Congestion, r[2]), Array.IndexOf(Lighting, r[3]), r[4] == "sure", TimeOf(r[0])))
            .ToList();
        if (frames.Any(f => f.Congestion < 0 || f.Lighting < 0))
        {
            throw new ArgumentException("labels.csv has a congestion or lighting value this trainer does not know.");
        }

        var cameras = frames.Select(f => f.Camera).Distinct().Order(StringComparer.Ordinal).ToList();
        Console.WriteLine($"{frames.Count} usable frames of {rows.Count} ({rows.Count - frames.Count} unusable left out) from cameras {string.Join(", ", cameras)}; unsure congestion labels weigh {UnsureWeight}.");

        await using var engine = EngineFactory.Create(arguments);
        var backbone = engine.Repository.Get("resnet18-embedding");
        var format = new TensorFormat(backbone.ImageInput);

        // Region embeddings per layout family, computed once.
        var report = new StringBuilder();
        var results = new List<(Layout Layout, float L2, double Congestion, double Lighting)>();
        var layoutFeatures = new Dictionary<Layout, float[][]>();
        var embedStarted = Stopwatch.GetTimestamp();
        var full = await EmbedRegionsAsync(engine, format, frames, [new RectangleF(0, 0, 1, 1)]);
        var grid2 = await EmbedRegionsAsync(engine, format, frames, Grid(2, 2));
        var grid3 = await EmbedRegionsAsync(engine, format, frames, Grid(3, 3));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Embedded 14 regions per frame in {Stopwatch.GetElapsedTime(embedStarted).TotalSeconds:0} s"));

        foreach (var layout in Layouts)
        {
            var features = frames.Select((_, i) =>
            {
                var regions = new List<float[]>();
                if (layout.IncludeFull || layout.Columns == 1)
                {
                    regions.Add(full[i][0]);
                }

                if (layout.Columns > 1)
                {
                    regions.AddRange(layout.Columns == 2 ? grid2[i] : grid3[i]);
                }

                return Pool(regions, layout.Pooling);
            }).ToArray();
            layoutFeatures[layout] = features;

            foreach (var l2 in L2Choices)
            {
                var (congestionAccuracy, lightingAccuracy, text) = LeaveOneCameraOut(frames, cameras, features, l2);
                results.Add((layout, l2, congestionAccuracy, lightingAccuracy));
                report.AppendLine(CultureInfo.InvariantCulture, $"### {layout.Name}, L2 {l2:g}");
                report.AppendLine();
                report.AppendLine(text);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{layout.Name,-28} L2 {l2,-5:g} leave-one-camera-out: congestion {congestionAccuracy:P1}, lighting {lightingAccuracy:P1} (mean over cameras)"));
            }
        }

        // Every region is one more backbone pass per frame: keep the cheapest layout whose
        // congestion + lighting accuracy is within 3 points of the best (differences that small
        // are noise on three cameras).
        var top = results.Max(r => r.Congestion + r.Lighting);
        var best = results
            .Where(r => r.Congestion + r.Lighting >= top - 0.03)
            .OrderBy(r => (r.Layout.IncludeFull ? 1 : 0) + (r.Layout.Columns * r.Layout.Rows))
            .ThenByDescending(r => r.Congestion + r.Lighting)
            .First();
        Console.WriteLine($"Best: {best.Layout.Name}, L2 {best.L2:g}");
        var chosen = layoutFeatures[best.Layout];
        var L2 = best.L2;

        // Ship heads trained on all three cameras.
        var weights = frames.Select(f => f.Sure ? 1f : UnsureWeight).ToArray();
        var congestionHead = SoftmaxRegression.Train(chosen, [.. frames.Select(f => f.Congestion)], Congestion.Length, L2, sampleWeights: weights);
        var lightingHead = SoftmaxRegression.Train(chosen, [.. frames.Select(f => f.Lighting)], Lighting.Length, L2);
        var regionCount = (best.Layout.IncludeFull ? 1 : 0) + (best.Layout.Columns * best.Layout.Rows);

        Directory.CreateDirectory(output);
        await File.WriteAllBytesAsync(Path.Combine(output, "head.onnx"), HeadOnnx(regionCount, best.Layout.Pooling, congestionHead, lightingHead));
        await File.WriteAllLinesAsync(Path.Combine(output, "congestion.txt"), Congestion);
        await File.WriteAllLinesAsync(Path.Combine(output, "lighting.txt"), Lighting);
        await File.WriteAllTextAsync(Path.Combine(output, "model.json"), Manifest(best.Layout));
        await File.WriteAllTextAsync(Path.Combine(output, "TRAINING.md"), TrainingReport(frames, results, best.Layout, best.L2, report.ToString()));
        Console.WriteLine($"Wrote {output}");
        return 0;
    }

    private static DateTime TimeOf(string file)
    {
        // camera_<id>_<yyyy-MM-dd>_<HH-mm-ss>.jpg
        var parts = Path.GetFileNameWithoutExtension(file).Split('_');
        return DateTime.ParseExact($"{parts[2]} {parts[3]}", "yyyy-MM-dd HH-mm-ss", CultureInfo.InvariantCulture);
    }

    private static RectangleF[] Grid(int columns, int rows) =>
    [
        .. Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(0, columns).Select(c =>
            new RectangleF((float)c / columns, (float)r / rows, 1f / columns, 1f / rows))),
    ];

    /// <summary>L2-normalised backbone embeddings of each region of each frame: [frame][region][512].</summary>
    private static async Task<float[][][]> EmbedRegionsAsync(InferenceEngine engine, TensorFormat format, IReadOnlyList<Frame> frames, RectangleF[] regions)
    {
        var backbone = engine.Repository.Get("resnet18-embedding");
        var result = new float[frames.Count][][];
        await Parallel.ForEachAsync(Enumerable.Range(0, frames.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var bytes = await File.ReadAllBytesAsync(frames[i].File, ct);
            var tensor = new float[regions.Length * format.Length];
            engine.Preprocessor.Preprocess(bytes, format, tensor, regions);
            var rows = await engine.InferTensorAsync(backbone, tensor, [regions.Length, 3, format.Height, format.Width], ct);
            result[i] = rows;
        });
        return result;
    }

    /// <summary>
    /// What the head computes from normalised region embeddings: their mean, L2-normalised; for
    /// mean+max, that followed by the normalised element-wise maximum.
    /// </summary>
    internal static float[] Pool(IReadOnlyList<float[]> regions, Pooling pooling)
    {
        var width = regions[0].Length;
        var mean = new float[width];
        var max = new float[width];
        Array.Fill(max, float.NegativeInfinity);
        foreach (var region in regions)
        {
            for (var j = 0; j < width; j++)
            {
                mean[j] += region[j] / regions.Count;
                max[j] = Math.Max(max[j], region[j]);
            }
        }

        Postprocessing.L2Normalize(mean);
        if (pooling == Pooling.Mean)
        {
            return mean;
        }

        Postprocessing.L2Normalize(max);
        return [.. mean, .. max];
    }

    private static (double Congestion, double Lighting, string Text) LeaveOneCameraOut(List<Frame> frames, List<string> cameras, float[][] features, float l2)
    {
        var text = new StringBuilder();
        double congestionSum = 0, lightingSum = 0;
        foreach (var camera in cameras)
        {
            var train = Enumerable.Range(0, frames.Count).Where(i => frames[i].Camera != camera).ToList();
            var test = Enumerable.Range(0, frames.Count).Where(i => frames[i].Camera == camera).ToList();
            var weights = train.Select(i => frames[i].Sure ? 1f : UnsureWeight).ToArray();
            var congestion = SoftmaxRegression.Train([.. train.Select(i => features[i])], [.. train.Select(i => frames[i].Congestion)], Congestion.Length, l2, sampleWeights: weights);
            var lighting = SoftmaxRegression.Train([.. train.Select(i => features[i])], [.. train.Select(i => frames[i].Lighting)], Lighting.Length, l2);
            var congestionReport = ClassificationReport.Evaluate(congestion, [.. test.Select(i => features[i])], [.. test.Select(i => frames[i].Congestion)], Congestion);
            var lightingReport = ClassificationReport.Evaluate(lighting, [.. test.Select(i => features[i])], [.. test.Select(i => frames[i].Lighting)], Lighting);
            var sure = test.Where(i => frames[i].Sure).ToList();
            var sureAccuracy = sure.Count(i => congestion.Predict(features[i]) == frames[i].Congestion) / (double)Math.Max(sure.Count, 1);
            congestionSum += congestionReport.Accuracy;
            lightingSum += lightingReport.Accuracy;
            text.AppendLine(CultureInfo.InvariantCulture, $"Camera {camera} unseen (trained on the other two; {test.Count} frames, {sure.Count} with sure congestion labels: {sureAccuracy:P1} right on those).");
            text.AppendLine();
            text.AppendLine("Congestion: " + congestionReport.ToMarkdown());
            text.AppendLine("Lighting: " + lightingReport.ToMarkdown());
        }

        return (congestionSum / cameras.Count, lightingSum / cameras.Count, text.ToString());
    }

    private static byte[] HeadOnnx(int regions, Pooling pooling, SoftmaxRegression congestion, SoftmaxRegression lighting)
    {
        var features = congestion.Features;
        var backboneFeatures = pooling == Pooling.Mean ? features : features / 2;
        var (cw, cb) = congestion.Folded();
        var (lw, lb) = lighting.Folded();
        var builder = new OnnxGraphBuilder("traffic_scene_head")
            .AddFloatInput("features", "batch", regions, backboneFeatures)
            .AddNode("LpNormalization", ["features"], ["regions_normalized"], new Dictionary<string, object> { ["axis"] = 2L, ["p"] = 2L })
            .AddNode("ReduceMean", ["regions_normalized"], ["mean_pooled"], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L })
            .AddNode("LpNormalization", ["mean_pooled"], ["embedding"], new Dictionary<string, object> { ["axis"] = 1L, ["p"] = 2L });
        var headInput = "embedding";
        if (pooling == Pooling.MeanMax)
        {
            builder.AddNode("ReduceMax", ["regions_normalized"], ["max_pooled"], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L })
                .AddNode("LpNormalization", ["max_pooled"], ["max_normalized"], new Dictionary<string, object> { ["axis"] = 1L, ["p"] = 2L })
                .AddNode("Concat", ["embedding", "max_normalized"], ["pooled"], new Dictionary<string, object> { ["axis"] = 1L });
            headInput = "pooled";
        }

        return builder
            .AddInitializer("congestion_weight", cw, features, congestion.Classes)
            .AddInitializer("congestion_bias", cb, congestion.Classes)
            .AddNode("Gemm", [headInput, "congestion_weight", "congestion_bias"], ["congestion"])
            .AddInitializer("lighting_weight", lw, features, lighting.Classes)
            .AddInitializer("lighting_bias", lb, lighting.Classes)
            .AddNode("Gemm", [headInput, "lighting_weight", "lighting_bias"], ["lighting"])
            .AddFloatOutput("congestion", "batch", congestion.Classes)
            .AddFloatOutput("lighting", "batch", lighting.Classes)
            .AddFloatOutput("embedding", "batch", backboneFeatures)
            .Build("SmartCity.Cli train-traffic-scene");
    }

    private static string Manifest(Layout layout) => $$"""
        {
          "task": "image-classification",
          "description": "Traffic scene of a full camera frame: congestion (free, moderate, heavy) of the most congested carriageway, and lighting (day, twilight, night). Two logistic-regression heads over the pooled resnet18-embedding features of {{layout.Name}}; the pooled embedding is also returned for frozen-feed detection.",
          "license": "Head weights: trained by this project (train-traffic-scene) on frames that contain information from Traffic Images accessed from LTA DataMall, made available under the terms of the Singapore Open Data Licence version 1.0. Backbone: see resnet18-embedding.",
          "file": "head.onnx",
          "backbone": { "model": "resnet18-embedding", "version": "1" },
          "tiles": { "grid": [{{layout.Columns}}, {{layout.Rows}}], "includeFull": {{(layout.IncludeFull ? "true" : "false")}} },
          "input": { "name": "features" },
          "heads": [
            { "output": "congestion", "kind": "logits", "labels": "congestion.txt" },
            { "output": "lighting", "kind": "logits", "labels": "lighting.txt" },
            { "output": "embedding", "kind": "embedding" }
          ]
        }

        """;

    private static string TrainingReport(List<Frame> frames, List<(Layout Layout, float L2, double Congestion, double Lighting)> results, Layout best, float bestL2, string details)
    {
        var text = new StringBuilder();
        text.AppendLine("# traffic-scene, version 1: how it was trained");
        text.AppendLine();
        text.AppendLine("Reproduce from the repository root: `dotnet run -c Release --project functions/SmartCity.Cli -- train-traffic-scene --data ../shared/data/traffic-cameras --out models/traffic-scene/1`.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Data: {frames.Count} frames of `labels.csv` (frames labelled `unusable`, frozen repeats, are left out), 1920×1080, cameras {string.Join(", ", frames.Select(f => f.Camera).Distinct())}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- `unsure` congestion labels are kept with weight {UnsureWeight}: most `moderate` frames are unsure (a still frame cannot show movement), so dropping them would leave the moderate class almost empty; halving their weight lets sure labels dominate where they disagree.");
        text.AppendLine("- Features: each region is squashed to 224×224 and embedded by ResNet-18 (one backbone batch per frame); region embeddings are L2-normalised, averaged, and normalised again. Both heads read that one pooled vector.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Heads: multinomial logistic regression (Adam, 400 epochs, L2 = {bestL2:g}, standardisation folded into the Gemm). Layout and L2 were chosen by the leave-one-camera-out accuracy below: the fewest regions (backbone passes) within 3 points of the best congestion + lighting, so the chosen row's figures are slightly optimistic.");
        text.AppendLine();
        text.AppendLine("## Region layouts, leave-one-camera-out (mean accuracy over the three unseen cameras)");
        text.AppendLine();
        text.AppendLine("| layout | L2 | congestion | lighting |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var (layout, l2, congestion, lighting) in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {layout.Name}{(layout == best && l2 == bestL2 ? " (kept)" : string.Empty)} | {l2:g} | {congestion:P1} | {lighting:P1} |");
        }

        text.AppendLine();
        text.AppendLine("## Per-camera results for every layout");
        text.AppendLine();
        text.AppendLine(details);
        text.AppendLine("## Credit");
        text.AppendLine();
        text.AppendLine("Contains information from Traffic Images accessed from LTA DataMall, made available under the terms of the Singapore Open Data Licence version 1.0.");
        return text.ToString();
    }
}
