using System.Globalization;
using System.Text;
using SmartCity.Inference.Models;
using SmartCity.Training;
using SmartCity.Training.Scenes;

namespace SmartCity.Cli.Training;

/// <summary>
/// Writes the <c>traffic-scene</c> model version: <c>head.onnx</c> (region normalisation, pooling
/// and both heads), the label files, <c>model.json</c>, <c>TRAINING.md</c> and, when given, the example index.
/// </summary>
internal static class TrafficSceneModelWriter
{
    public static async Task WriteAsync(string output, LayoutResult best, SoftmaxRegression congestion, SoftmaxRegression lighting, string trainingReport, string backboneVersion, TrainingExamples? examples, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(output);
        await File.WriteAllBytesAsync(Path.Combine(output, "head.onnx"), HeadOnnx(best.Layout.RegionCount, best.Layout.Pooling, congestion, lighting), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(output, "congestion.txt"), LabelledFrame.CongestionLabels, cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(output, "lighting.txt"), LabelledFrame.LightingLabels, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, "model.json"), Manifest(best.Layout, backboneVersion, examples is not null), cancellationToken);
        if (examples is not null)
        {
            await File.WriteAllBytesAsync(Path.Combine(output, ExampleIndex.FileName), examples.Index.ToBytes(), cancellationToken);
        }

        await File.WriteAllTextAsync(Path.Combine(output, "TRAINING.md"), trainingReport, cancellationToken);
    }

    private static byte[] HeadOnnx(int regions, RegionPooling pooling, SoftmaxRegression congestion, SoftmaxRegression lighting)
    {
        var features = congestion.Features;
        var backboneFeatures = pooling == RegionPooling.Mean ? features : features / 2;
        var builder = new OnnxGraphBuilder("traffic_scene_head")
            .AddFloatInput("features", "batch", regions, backboneFeatures)
            .AddNode("LpNormalization", ["features"], ["regions_normalized"], new Dictionary<string, object> { ["axis"] = 2L, ["p"] = 2L })
            .AddNode("ReduceMean", ["regions_normalized"], ["mean_pooled"], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L })
            .AddNode("LpNormalization", ["mean_pooled"], ["embedding"], new Dictionary<string, object> { ["axis"] = 1L, ["p"] = 2L });
        var headInput = "embedding";
        if (pooling == RegionPooling.MeanMax)
        {
            builder.AddNode("ReduceMax", ["regions_normalized"], ["max_pooled"], new Dictionary<string, object> { ["axes"] = new long[] { 1 }, ["keepdims"] = 0L })
                .AddNode("LpNormalization", ["max_pooled"], ["max_normalized"], new Dictionary<string, object> { ["axis"] = 1L, ["p"] = 2L })
                .AddNode("Concat", ["embedding", "max_normalized"], ["pooled"], new Dictionary<string, object> { ["axis"] = 1L });
            headInput = "pooled";
        }

        return AddHead(AddHead(builder, "congestion", headInput, congestion), "lighting", headInput, lighting)
            .AddFloatOutput("congestion", "batch", congestion.Classes)
            .AddFloatOutput("lighting", "batch", lighting.Classes)
            .AddFloatOutput("embedding", "batch", backboneFeatures)
            .Build("SmartCity.Cli train-traffic-scene");
    }

    /// <summary>A Gemm from the pooled features to the logits of <paramref name="output"/>, standardisation folded in.</summary>
    private static OnnxGraphBuilder AddHead(OnnxGraphBuilder builder, string output, string input, SoftmaxRegression head)
    {
        var (weights, bias) = head.Folded();
        return builder
            .AddInitializer($"{output}_weight", weights, head.Features, head.Classes)
            .AddInitializer($"{output}_bias", bias, head.Classes)
            .AddNode("Gemm", [input, $"{output}_weight", $"{output}_bias"], [output]);
    }

    private static string Manifest(RegionLayout layout, string backboneVersion, bool examples) => $$"""
        {
          "task": "image-classification",
          "description": "Traffic scene of a full camera frame: congestion (free, moderate, heavy) of the most congested carriageway, and lighting (day, twilight, night). Two logistic-regression heads over the pooled resnet18-embedding features of {{layout.Name}}; the pooled embedding is also returned for frozen-feed detection.",
          "license": "Head weights: trained by this project (train-traffic-scene) on frames that contain information from Traffic Images accessed from LTA DataMall, made available under the terms of the Singapore Open Data Licence version 1.0. Backbone: see resnet18-embedding.",
          "file": "head.onnx",
          "backbone": { "model": "resnet18-embedding", "version": "{{backboneVersion}}" },
          "tiles": { "grid": [{{layout.Columns}}, {{layout.Rows}}], "includeFull": {{(layout.IncludeFull ? "true" : "false")}} },
          "input": { "name": "features" },{{(examples ? $"\n  \"examples\": \"{ExampleIndex.FileName}\"," : string.Empty)}}
          "heads": [
            { "output": "congestion", "kind": "logits", "labels": "congestion.txt" },
            { "output": "lighting", "kind": "logits", "labels": "lighting.txt" },
            { "output": "embedding", "kind": "embedding" }
          ]
        }

        """;

    public static string TrainingReport(List<LabelledFrame> frames, List<LayoutResult> results, LayoutResult best, string details, string backboneVersion, string version)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# traffic-scene, version {version}: how it was trained");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Reproduce from the repository root: `dotnet run -c Release --project functions/SmartCity.Cli -- train-traffic-scene --data ../shared/data/traffic-cameras --backbone-version {backboneVersion} --out models/traffic-scene/{version}`.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Data: {frames.Count} frames of `labels.csv` (frames labelled `unusable`, frozen repeats, are left out), 1920×1080, cameras {string.Join(", ", frames.Select(f => f.Camera).Distinct())}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- `unsure` congestion labels are kept with weight {TrafficSceneTrainer.UnsureWeight}: most `moderate` frames are unsure (a still frame cannot show movement), so dropping them would leave the moderate class almost empty; halving their weight lets sure labels dominate where they disagree.");
        text.AppendLine("- Features: each region is squashed to 224×224 and embedded by ResNet-18 (one backbone batch per frame); region embeddings are L2-normalised, averaged, and normalised again. Both heads read that one pooled vector.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Heads: multinomial logistic regression (Adam, 400 epochs, L2 = {best.L2:g}, standardisation folded into the Gemm). Layout and L2 were chosen by the leave-one-camera-out accuracy below: the fewest regions (backbone passes) within 3 points of the best congestion + lighting, so the chosen row's figures are slightly optimistic.");
        text.AppendLine();
        text.AppendLine("## Region layouts, leave-one-camera-out (mean accuracy over the three unseen cameras)");
        text.AppendLine();
        text.AppendLine("| layout | L2 | congestion | lighting |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var result in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {result.Layout.Name}{(result == best ? " (kept)" : string.Empty)} | {result.L2:g} | {result.Congestion:P1} | {result.Lighting:P1} |");
        }

        text.AppendLine();
        text.AppendLine("## Per-camera results for every layout");
        text.AppendLine();
        text.AppendLine(details);
        text.AppendLine("## Credit");
        text.AppendLine();
        text.AppendLine($"Contains information from {TrafficScenePackage.FramesAttribution}.");
        return text.ToString();
    }
}
