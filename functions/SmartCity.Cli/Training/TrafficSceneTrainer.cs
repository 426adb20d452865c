using System.Diagnostics;
using System.Globalization;
using System.Text;
using SmartCity.Training;
using SmartCity.Training.Scenes;
using SmartCity.Training.Cards;
using Spectre.Console;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>train-traffic-scene</c>: congestion and lighting heads over pooled ResNet-18 features of
/// several regions of a full camera frame. Compares region layouts leave-one-camera-out, keeps
/// the best, and writes <c>models/traffic-scene/1</c>.
/// </summary>
internal static class TrafficSceneTrainer
{
    /// <summary>Weight of a frame whose congestion label is marked unsure.</summary>
    public const float UnsureWeight = 0.5f;

    private static readonly float[] L2Choices = [1e-2f, 1e-1f, 1f];

    public static async Task<int> RunAsync(TrainingSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var (frames, rows) = LabelledFrame.ReadLabels(settings.Data);
        var cameras = frames.Select(f => f.Camera).Distinct().Order(StringComparer.Ordinal).ToList();
        await console.Output.WriteLineAsync($"{frames.Count} usable frames of {rows} ({rows - frames.Count} unusable left out) from cameras {string.Join(", ", cameras)}; unsure congestion labels weigh {UnsureWeight}.");

        await using var engine = settings.Engine.CreateEngine();
        var backbone = settings.ResolveBackbone(engine);
        await console.Output.WriteLineAsync($"Backbone: {backbone.Id}");
        var embedStarted = Stopwatch.GetTimestamp();
        var regions = await FrameRegionEmbeddings.EmbedAsync(engine, backbone, frames, console, cancellationToken);
        await console.Output.WriteLineAsync(Format($"Embedded {FrameRegionEmbeddings.RegionsPerFrame} regions per frame in {Stopwatch.GetElapsedTime(embedStarted).TotalSeconds:0} s"));

        var (results, details) = await WorkProgress.RunAsync(console, "Comparing layouts", RegionLayout.Candidates.Count * L2Choices.Length,
            done => Task.FromResult(CompareLayouts(frames, cameras, regions, done)));
        var best = Best(results);
        WriteResults(results, best, console.Results);
        await console.Output.WriteLineAsync($"Best: {best.Layout.Name}, L2 {best.L2:g}");

        // Ship heads trained on all three cameras.
        var features = regions.Features(best.Layout);
        var congestion = SoftmaxRegression.Train(features, [.. frames.Select(f => f.Congestion)], LabelledFrame.CongestionLabels.Length, best.L2, sampleWeights: Weights(frames));
        var lighting = SoftmaxRegression.Train(features, [.. frames.Select(f => f.Lighting)], LabelledFrame.LightingLabels.Length, best.L2);
        var report = TrafficSceneModelWriter.TrainingReport(frames, results, best, details, backbone.Version, settings.OutputVersion);
        var examples = settings.Examples.MaxPerLabel == 0 ? null : Examples(frames, settings.Data, features, regions.BackboneDimension, settings.Examples);
        await TrafficSceneModelWriter.WriteAsync(settings.Output, best, congestion, lighting, report, backbone.Version, examples, cancellationToken);
        var card = TrainingReportCards.FromReport("traffic-scene", report, backbone, DateTimeOffset.UtcNow);
        card.Examples = examples?.Card;
        await File.WriteAllBytesAsync(Path.Combine(settings.Output, ModelCard.FileName), [.. card.ToJson(), (byte)'\n'], cancellationToken);
        await console.Output.WriteLineAsync($"Wrote {settings.Output}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// The example index of a traffic-scene version: each frame's pooled embedding (the normalised
    /// mean of its regions' normalised embeddings: the first <paramref name="dimension"/> values of the
    /// head's features, as the model's <c>embedding</c> output), with its congestion and lighting labels.
    /// </summary>
    public static TrainingExamples Examples(IReadOnlyList<LabelledFrame> frames, string data, IReadOnlyList<float[]> features, int dimension, ExampleIndexSettings settings) =>
        TrainingExamples.Create(
            TrainingExamples.Choose([.. frames.Select(f => f.Congestion)], settings.MaxPerLabel),
            [.. features.Select(f => f[..dimension])],
            [.. frames.Select(f => Path.GetRelativePath(data, f.File).Replace('\\', '/'))],
            null,
            [new ExampleHead("congestion", LabelledFrame.CongestionLabels, [.. frames.Select(f => f.Congestion)]), new ExampleHead("lighting", LabelledFrame.LightingLabels, [.. frames.Select(f => f.Lighting)])],
            settings,
            ExamplesSource);

    /// <summary>Where the bundled examples come from, with the frames' credit.</summary>
    public const string ExamplesSource = $"Frames of ../shared/data/traffic-cameras (labels.csv, unusable frames left out): contains information from {TrafficScenePackage.FramesAttribution}; ids are the frames' file names";

    /// <summary>Every layout and L2, leave-one-camera-out, and the per-camera details of each as Markdown.</summary>
    private static (List<LayoutResult> Results, string Details) CompareLayouts(List<LabelledFrame> frames, List<string> cameras, FrameRegionEmbeddings regions, Action done)
    {
        var results = new List<LayoutResult>();
        var details = new StringBuilder();
        foreach (var layout in RegionLayout.Candidates)
        {
            var features = regions.Features(layout);
            foreach (var l2 in L2Choices)
            {
                var (congestion, lighting, text) = LeaveOneCameraOut(frames, cameras, features, l2);
                results.Add(new LayoutResult(layout, l2, congestion, lighting));
                details.AppendLine(CultureInfo.InvariantCulture, $"### {layout.Name}, L2 {l2:g}");
                details.AppendLine();
                details.AppendLine(text);
                done();
            }
        }

        return (results, details.ToString());
    }

    /// <summary>
    /// Every region is one more backbone pass per frame: the cheapest layout whose congestion +
    /// lighting accuracy is within 3 points of the best (differences that small are noise on
    /// three cameras), the more accurate first among equals.
    /// </summary>
    private static LayoutResult Best(List<LayoutResult> results)
    {
        var top = results.Max(r => r.Sum);
        return results
            .Where(r => r.Sum >= top - 0.03)
            .OrderBy(r => r.Layout.RegionCount)
            .ThenByDescending(r => r.Sum)
            .First();
    }

    private static (double Congestion, double Lighting, string Text) LeaveOneCameraOut(List<LabelledFrame> frames, List<string> cameras, float[][] features, float l2)
    {
        var text = new StringBuilder();
        double congestionSum = 0, lightingSum = 0;
        foreach (var camera in cameras)
        {
            var train = Enumerable.Range(0, frames.Count).Where(i => frames[i].Camera != camera).ToList();
            var test = Enumerable.Range(0, frames.Count).Where(i => frames[i].Camera == camera).ToList();
            var congestionHead = SoftmaxRegression.Train([.. train.Select(i => features[i])], [.. train.Select(i => frames[i].Congestion)], LabelledFrame.CongestionLabels.Length, l2, sampleWeights: Weights([.. train.Select(i => frames[i])]));
            var lightingHead = SoftmaxRegression.Train([.. train.Select(i => features[i])], [.. train.Select(i => frames[i].Lighting)], LabelledFrame.LightingLabels.Length, l2);
            var testFeatures = test.Select(i => features[i]).ToList();
            var congestion = ClassificationReport.Evaluate(congestionHead, testFeatures, [.. test.Select(i => frames[i].Congestion)], LabelledFrame.CongestionLabels);
            var lighting = ClassificationReport.Evaluate(lightingHead, testFeatures, [.. test.Select(i => frames[i].Lighting)], LabelledFrame.LightingLabels);
            congestionSum += congestion.Accuracy;
            lightingSum += lighting.Accuracy;
            var sure = test.Where(i => frames[i].Sure).ToList();
            var sureAccuracy = sure.Count(i => congestionHead.Predict(features[i]) == frames[i].Congestion) / (double)Math.Max(sure.Count, 1);
            text.AppendLine(CultureInfo.InvariantCulture, $"Camera {camera} unseen (trained on the other two; {test.Count} frames, {sure.Count} with sure congestion labels: {sureAccuracy:P1} right on those).");
            text.AppendLine();
            text.AppendLine("Congestion: " + congestion.ToMarkdown());
            text.AppendLine("Lighting: " + lighting.ToMarkdown());
        }

        return (congestionSum / cameras.Count, lightingSum / cameras.Count, text.ToString());
    }

    private static float[] Weights(IEnumerable<LabelledFrame> frames) => [.. frames.Select(f => f.Sure ? 1f : UnsureWeight)];

    private static void WriteResults(List<LayoutResult> results, LayoutResult best, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("layout").AddColumn(new TableColumn("L2").RightAligned())
            .AddColumn(new TableColumn("congestion").RightAligned()).AddColumn(new TableColumn("lighting").RightAligned());
        table.Title = new TableTitle("Leave-one-camera-out accuracy (mean over the unseen cameras)");
        foreach (var result in results)
        {
            table.AddRow(result.Layout.Name + (result == best ? " (kept)" : string.Empty), Format($"{result.L2:g}"), Format($"{result.Congestion:P1}"), Format($"{result.Lighting:P1}"));
        }

        console.Write(table);
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
