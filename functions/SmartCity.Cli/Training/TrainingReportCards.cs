using System.Globalization;
using System.Text.RegularExpressions;
using SmartCity.Inference.Models;
using SmartCity.Training;
using SmartCity.Training.Scenes;
using SmartCity.Training.Cards;

namespace SmartCity.Cli.Training;

/// <summary>
/// The model card of a version written by <c>train-vehicle-type</c> or <c>train-traffic-scene</c>,
/// from the figures of its <c>TRAINING.md</c> (the held-out confusion matrices the trainer wrote):
/// the trainers call it on the report they just wrote, and <c>write-card</c> on the bundled
/// versions, so both are carded by the same code without training again.
/// </summary>
internal static partial class TrainingReportCards
{
    public static ModelCard FromReport(string model, string report, ModelVersion backbone, DateTimeOffset trainedAt) => model switch
    {
        "vehicle-type" => VehicleType(report, backbone, trainedAt),
        "traffic-scene" => TrafficScene(report, backbone, trainedAt),
        _ => throw new UsageException($"'{model}' has no card recipe: write-card knows vehicle-type and traffic-scene."),
    };

    /// <summary>The held-out matrix, L2 and image count of a <c>train-vehicle-type</c> report; counts per label from the 20%-per-label split.</summary>
    private static ModelCard VehicleType(string report, ModelVersion backbone, DateTimeOffset trainedAt)
    {
        var heldOut = ClassificationReport.FromMarkdown(Section(report, "## Held-out result"));
        var l2 = float.Parse(Match(VehicleL2(), report, "L2"), CultureInfo.InvariantCulture);
        var total = int.Parse(Match(VehicleCount(), report, "image count"), CultureInfo.InvariantCulture);
        var classes = new List<int>();
        for (var c = 0; c < heldOut.Labels.Count; c++)
        {
            var heldOutOfLabel = Enumerable.Range(0, heldOut.Labels.Count).Sum(p => heldOut.Count(c, p));
            classes.AddRange(Enumerable.Repeat(c, (int)Math.Round(heldOutOfLabel / HeadTraining.DefaultHeldOutFraction)));
        }

        if (classes.Count != total)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"The report's held-out split gives {classes.Count} images, its data line {total}."));
        }

        var card = VehicleTypeTrainer.Card(heldOut.Labels, classes, backbone, l2, heldOut, trainedAt);
        card.TrainingData!.Notes = "Counts per label from the held-out split of TRAINING.md (20% of each label).";
        return card;
    }

    /// <summary>The kept layout's leave-one-camera-out matrices of a <c>train-traffic-scene</c> report, pooled over the three unseen cameras.</summary>
    private static ModelCard TrafficScene(string report, ModelVersion backbone, DateTimeOffset trainedAt)
    {
        var kept = KeptLayout().Match(report);
        if (!kept.Success)
        {
            throw new UsageException("The report has no '(kept)' row in its layout table.");
        }

        var layout = kept.Groups["layout"].Value.Trim();
        var l2 = float.Parse(kept.Groups["l2"].Value, CultureInfo.InvariantCulture);
        var section = Section(report, $"### {layout}, L2 {kept.Groups["l2"].Value}");
        var next = new[] { section.IndexOf("\n### ", 1, StringComparison.Ordinal), section.IndexOf("\n## ", 1, StringComparison.Ordinal) }.Where(i => i > 0).DefaultIfEmpty(section.Length).Min();
        section = section[..next];
        var congestion = ClassificationReport.Sum([.. Tables(section, "Congestion: ")]);
        var lighting = ClassificationReport.Sum([.. Tables(section, "Lighting: ")]);
        var method = string.Create(CultureInfo.InvariantCulture,
            $"leave-one-camera-out: each of the 3 cameras in turn unseen, the heads trained on the other two; the confusion matrix pools the three unseen cameras ({kept.Groups["congestion"].Value} congestion and {kept.Groups["lighting"].Value} lighting as the mean over cameras)");
        return new ModelCard
        {
            IntendedUse = "Traffic scene of a full camera frame: congestion (free, moderate, heavy) of the most congested carriageway, and lighting (day, twilight, night); the pooled embedding is returned for frozen-feed detection.",
            Heads =
            [
                Head("congestion", congestion, method),
                Head("lighting", lighting, method),
                new HeadCard { Output = "embedding" },
            ],
            TrainingData = new TrainingDataCard
            {
                Source = "Traffic Images from LTA DataMall (Singapore), cameras 2701, 2702 and 4703, 1920x1080 frames labelled by this project (labels.csv)",
                Images = congestion.Total,
                Date = trainedAt,
                Notes = "Frames labelled unusable (frozen repeats) left out; counts per label are each head's held-out matrix rows (every frame is unseen once).",
            },
            Backbone = new BackboneCard { Model = backbone.Name, Version = backbone.Version, Description = backbone.Manifest.Description },
            Training = new TrainingSettingsCard
            {
                Method = SoftmaxHeadCard.Method + $"; features: resnet18-embedding of the regions of '{layout}', pooled",
                L2 = l2,
                L2Candidates = [0.01f, 0.1f, 1f],
                Epochs = SoftmaxRegression.DefaultEpochs,
                LearningRate = SoftmaxRegression.DefaultLearningRate,
                TrainedOnImages = congestion.Total,
                Notes = $"Layout and L2 chosen by the leave-one-camera-out accuracy (the cheapest layout within 3 points of the best, so its figures are slightly optimistic); unsure congestion labels weigh {TrafficSceneTrainer.UnsureWeight}; the shipped heads are trained on all three cameras.",
            },
            KnownLimits =
            [
                "Trained on three cameras of one city: congestion on a camera it has never seen is right about two times in three (leave-one-camera-out).",
                "'moderate' congestion is hard to tell from a still frame: most of its labels are unsure, and it is the class missed most.",
                "Twilight is rare in the data (few frames) and often taken for day or night.",
                "The frozen-feed threshold on its embedding has a thin margin (see TRAINING.md): a camera that re-encodes harder than JPEG quality 60 may be missed.",
            ],
            License = $"Head weights: trained by this project (train-traffic-scene) on frames that contain information from {TrafficScenePackage.FramesAttribution}. Backbone: see resnet18-embedding.",
            CreatedBy = "smartcity train-traffic-scene",
            CreatedAt = trainedAt,
        };
    }

    private static HeadCard Head(string output, ClassificationReport report, string method) => new()
    {
        Output = output,
        Labels = [.. report.Labels],
        CountsPerLabel = Enumerable.Range(0, report.Labels.Count).ToDictionary(c => report.Labels[c], c => Enumerable.Range(0, report.Labels.Count).Sum(p => report.Count(c, p)), StringComparer.Ordinal),
        HeldOut = HeldOutEvaluation.From(report, method),
    };

    /// <summary>Every confusion matrix that follows <paramref name="prefix"/> at the start of a line.</summary>
    private static IEnumerable<ClassificationReport> Tables(string section, string prefix)
    {
        for (var at = section.IndexOf("\n" + prefix, StringComparison.Ordinal); at >= 0; at = section.IndexOf("\n" + prefix, at + 1, StringComparison.Ordinal))
        {
            yield return ClassificationReport.FromMarkdown(section[at..]);
        }
    }

    private static string Section(string report, string heading)
    {
        var at = report.IndexOf(heading + "\n", StringComparison.Ordinal);
        return at >= 0 ? report[at..] : throw new UsageException($"The report has no section '{heading}'.");
    }

    private static string Match(Regex pattern, string report, string what)
    {
        var match = pattern.Match(report);
        return match.Success ? match.Groups[1].Value : throw new UsageException($"The report does not give the {what}.");
    }

    [GeneratedRegex(@"L2 = ([0-9.eE+-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex VehicleL2();

    [GeneratedRegex(@"- Data: (\d+) crops", RegexOptions.CultureInvariant)]
    private static partial Regex VehicleCount();

    [GeneratedRegex(@"^\| (?<layout>[^|]+) \(kept\) \| (?<l2>[0-9.]+) \| (?<congestion>[0-9.]+ %) \| (?<lighting>[0-9.]+ %) \|", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex KeptLayout();
}
