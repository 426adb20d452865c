using System.Diagnostics;
using System.Globalization;
using System.Text;
using SmartCity.Inference.Models;
using SmartCity.Training;
using SmartCity.Training.Cards;
using Spectre.Console;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>train-vehicle-type</c>: trains the vehicle-type head on ResNet-18 embeddings of the
/// labelled crops (folder name = label), reports held-out accuracy, and writes the model version.
/// </summary>
internal static class VehicleTypeTrainer
{
    public const string IntendedUse = "Vehicle type of a vehicle crop: bike (motorbike), car, juggernaut (heavy lorry), minibus, pickup, truck. A multinomial logistic-regression head over resnet18-embedding.";

    public const string License = "Head weights: trained by this project (train-vehicle-type) on 'A Dataset Containing Tiny and Low Quality Images for Vehicle Classification', Tas, Sari, Dalveren, Pazar, Kara, Derawi, Sensors 22(13):4740, 2022, doi:10.3390/s22134740, Zenodo record 6634554, CC BY 4.0. Backbone: see resnet18-embedding.";

    public const string DataSource = "'A Dataset Containing Tiny and Low Quality Images for Vehicle Classification' (Zenodo record 6634554): 100x100 JPEG crops from a roadside camera";

    public static readonly string[] KnownLimits =
    [
        "Made for tight crops of one vehicle, 100x100 pixels, from roadside cameras by day; a full camera frame or a crop with several vehicles is outside what it was trained on.",
        "Minibus, pickup and truck are the classes it confuses most (held-out recall about 90%).",
    ];

    public static async Task<int> RunAsync(TrainingSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var crops = LabelledImages.FromFolders(settings.Data);
        await console.Output.WriteLineAsync($"{crops.Files.Count} images in {crops.Labels.Count} classes: {string.Join(", ", crops.Labels)}");
        await using var engine = settings.Engine.CreateEngine();
        var backbone = settings.ResolveBackbone(engine);
        await console.Output.WriteLineAsync($"Backbone: {backbone.Id}");
        var started = Stopwatch.GetTimestamp();
        var embeddings = await WorkProgress.RunAsync(console, "Embedding", crops.Files.Count,
            imageDone => HeadTraining.EmbedAsync(engine, crops.Files, backbone.Name, backbone.Version, imageDone, cancellationToken));
        await console.Output.WriteLineAsync(Format($"Embedded in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));

        // 20% held out for the report; the regularisation is chosen on a validation split of the rest.
        var (trainAll, test) = HeadTraining.StratifiedSplit(crops.Classes, HeadTraining.DefaultHeldOutFraction, HeadTraining.HeldOutSeed);
        var l2 = ChooseL2(embeddings, crops, trainAll, console);
        var model = SoftmaxRegression.Train(HeadTraining.Select(embeddings, trainAll), HeadTraining.Select(crops.Classes, trainAll), crops.Labels.Count, l2);
        var report = ClassificationReport.Evaluate(model, HeadTraining.Select(embeddings, test), HeadTraining.Select(crops.Classes, test), crops.Labels);
        await console.Output.WriteLineAsync();
        await console.Output.WriteLineAsync($"Held-out split ({test.Count} images, 20% per class, seed 42), head trained on the other {trainAll.Count}:");
        ClassificationReportTable.Write(report, console.Results);

        // The shipped head is trained on every image, with the same settings.
        var final = SoftmaxRegression.Train(embeddings, crops.Classes, crops.Labels.Count, l2);
        var card = Card(crops.Labels, crops.Classes, backbone, l2, report, DateTimeOffset.UtcNow);
        var examples = settings.Examples.MaxPerLabel == 0 ? null : Examples(crops, settings.Data, embeddings, settings.Examples);
        var package = HeadPackage.Create(final, crops.Labels, new BackboneReference { Model = backbone.Name, Version = backbone.Version }, IntendedUse, License, card, examples);
        await package.WriteToAsync(settings.Output, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(settings.Output, "TRAINING.md"), TrainingReport(crops, backbone, settings, l2, test.Count, trainAll.Count, report), cancellationToken);
        await console.Output.WriteLineAsync($"Wrote {settings.Output}");
        return ExitCodes.Success;
    }

    /// <summary>The card of a vehicle-type head: the same for a fresh training and for the bundled version 1 (from its TRAINING.md figures).</summary>
    public static ModelCard Card(IReadOnlyList<string> labels, IReadOnlyList<int> classes, ModelVersion backbone, float l2, ClassificationReport heldOut, DateTimeOffset trainedAt) =>
        SoftmaxHeadCard.Create(new SoftmaxHeadFacts(
            IntendedUse,
            "logits",
            labels,
            classes,
            DataSource,
            trainedAt,
            backbone,
            l2,
            HeadTraining.L2Choices,
            HeadTraining.DefaultHeldOutFraction,
            classes.Count,
            heldOut,
            Format($"{heldOut.Total} images (20% of each class, seed 42) never seen by the evaluated head, which was trained on the other {classes.Count - heldOut.Total}; the shipped head is then trained on all {classes.Count} with the same settings"),
            KnownLimits,
            License,
            "smartcity train-vehicle-type"));

    /// <summary>The example index of a vehicle-type head: the crops' backbone embeddings, ids <c>&lt;label&gt;/&lt;file&gt;</c> relative to the data folder.</summary>
    public static TrainingExamples Examples(LabelledImages crops, string data, IReadOnlyList<float[]> embeddings, ExampleIndexSettings settings) =>
        TrainingExamples.Create(
            TrainingExamples.Choose(crops.Classes, settings.MaxPerLabel),
            embeddings,
            [.. crops.Files.Select(f => Path.GetRelativePath(data, f).Replace('\\', '/'))],
            null,
            [new ExampleHead("logits", crops.Labels, crops.Classes)],
            settings,
            ExamplesSource);

    /// <summary>Where the bundled examples come from, with the data set's credit.</summary>
    public const string ExamplesSource = "Crops of 'A Dataset Containing Tiny and Low Quality Images for Vehicle Classification', Tas, Sari, Dalveren, Pazar, Kara, Derawi, Sensors 22(13):4740, 2022, doi:10.3390/s22134740, Zenodo record 6634554, CC BY 4.0 (the 600-per-class copy in ../shared/data/vehicles); ids are '<label>/<file>'";

    /// <summary>The L2 with the best accuracy on a validation split (20%, seed 7) of the training part, the first on a tie.</summary>
    private static float ChooseL2(float[][] embeddings, LabelledImages crops, List<int> trainAll, CommandConsole console)
    {
        var (fit, validation) = HeadTraining.ValidationSplit(crops.Classes, trainAll);
        var accuracies = HeadTraining.L2Choices.Select(l2 => HeadTraining.ScoreL2(embeddings, crops.Classes, crops.Labels.Count, fit, validation, l2)).ToList();
        var best = HeadTraining.ChooseL2(accuracies);
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("L2").RightAligned()).AddColumn(new TableColumn("validation accuracy").RightAligned());
        for (var i = 0; i < HeadTraining.L2Choices.Count; i++)
        {
            table.AddRow(Format($"{HeadTraining.L2Choices[i]:g}{(i == best ? " (kept)" : string.Empty)}"), Format($"{accuracies[i]:P2}"));
        }

        console.Results.Write(table);
        return HeadTraining.L2Choices[best];
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string TrainingReport(LabelledImages crops, ModelVersion backbone, TrainingSettings settings, float l2, int heldOut, int trained, ClassificationReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# vehicle-type, version {settings.OutputVersion}: how it was trained");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Reproduce from the repository root: `dotnet run -c Release --project functions/SmartCity.Cli -- train-vehicle-type --data ../shared/data/vehicles --backbone-version {backbone.Version} --out models/vehicle-type/{settings.OutputVersion}`.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Data: {crops.Files.Count} crops in {crops.Labels.Count} classes ({string.Join(", ", crops.Labels)}), 100×100 JPEGs from a roadside camera.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Features: the L2-normalised 512-value ResNet-18 embedding (`{backbone.Id}`: {(File.Exists(Path.Combine(backbone.Directory, "quantization.json")) ? "8-bit quantized, see models/resnet18-embedding/" + backbone.Version + "/QUANTIZATION.md" : "float")}), one backbone pass per image.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Head: multinomial logistic regression on standardised features (Adam, 400 full-batch epochs, L2 = {l2:g}, chosen on a validation split of the training part). Standardisation is folded into the Gemm of `head.onnx`.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Held-out split: {heldOut} images (20% of each class, seed 42) never seen by the evaluated head, trained on the other {trained}. The shipped head is then trained on all images with the same settings.");
        text.AppendLine();
        text.AppendLine("## Held-out result");
        text.AppendLine();
        text.AppendLine(report.ToMarkdown());
        text.AppendLine("## Credit");
        text.AppendLine();
        text.AppendLine("Trained on \"A Dataset Containing Tiny and Low Quality Images for Vehicle Classification\", Tas, Sari, Dalveren, Pazar, Kara, Derawi, Sensors 22(13):4740, 2022, doi:10.3390/s22134740; Zenodo record 6634554. Licence: CC BY 4.0.");
        return text.ToString();
    }
}
