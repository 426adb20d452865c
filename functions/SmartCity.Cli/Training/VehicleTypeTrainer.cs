using System.Diagnostics;
using System.Globalization;
using System.Text;
using SmartCity.Training;
using Spectre.Console;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>train-vehicle-type</c>: trains the vehicle-type head on ResNet-18 embeddings of the
/// labelled crops (folder name = label), reports held-out accuracy, and writes the model version.
/// </summary>
internal static class VehicleTypeTrainer
{
    private static readonly float[] L2Choices = [1e-4f, 1e-3f, 3e-3f, 1e-2f, 3e-2f];

    public static async Task<int> RunAsync(TrainingSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var crops = LabelledImages.FromFolders(settings.Data);
        await console.Output.WriteLineAsync($"{crops.Files.Count} images in {crops.Labels.Count} classes: {string.Join(", ", crops.Labels)}");
        await using var engine = settings.Engine.CreateEngine();
        var started = Stopwatch.GetTimestamp();
        var embeddings = await WorkProgress.RunAsync(console, "Embedding", crops.Files.Count,
            imageDone => HeadTraining.EmbedAsync(engine, crops.Files, imageDone: imageDone, cancellationToken: cancellationToken));
        await console.Output.WriteLineAsync(Format($"Embedded in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));

        // 20% held out for the report; the regularisation is chosen on a validation split of the rest.
        var (trainAll, test) = HeadTraining.StratifiedSplit(crops.Classes, 0.2, seed: 42);
        var l2 = ChooseL2(embeddings, crops, trainAll, console);
        var model = SoftmaxRegression.Train(Select(embeddings, trainAll), Select(crops.Classes, trainAll), crops.Labels.Count, l2);
        var report = ClassificationReport.Evaluate(model, Select(embeddings, test), Select(crops.Classes, test), crops.Labels);
        await console.Output.WriteLineAsync();
        await console.Output.WriteLineAsync($"Held-out split ({test.Count} images, 20% per class, seed 42), head trained on the other {trainAll.Count}:");
        ClassificationReportTable.Write(report, console.Results);

        // The shipped head is trained on every image, with the same settings.
        var final = SoftmaxRegression.Train(embeddings, crops.Classes, crops.Labels.Count, l2);
        await WriteModelAsync(settings.Output, final, TrainingReport(crops, l2, test.Count, trainAll.Count, report), crops.Labels, cancellationToken);
        await console.Output.WriteLineAsync($"Wrote {settings.Output}");
        return ExitCodes.Success;
    }

    /// <summary>The L2 with the best accuracy on a validation split (20%, seed 7) of the training part, the first on a tie.</summary>
    private static float ChooseL2(float[][] embeddings, LabelledImages crops, List<int> trainAll, CommandConsole console)
    {
        var (fitPart, validationPart) = HeadTraining.StratifiedSplit(Select(crops.Classes, trainAll), 0.2, seed: 7);
        var fit = fitPart.Select(i => trainAll[i]).ToList();
        var validation = validationPart.Select(i => trainAll[i]).ToList();
        var accuracies = new List<double>();
        foreach (var l2 in L2Choices)
        {
            var candidate = SoftmaxRegression.Train(Select(embeddings, fit), Select(crops.Classes, fit), crops.Labels.Count, l2);
            accuracies.Add(ClassificationReport.Evaluate(candidate, Select(embeddings, validation), Select(crops.Classes, validation), crops.Labels).Accuracy);
        }

        var best = accuracies.IndexOf(accuracies.Max());
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("L2").RightAligned()).AddColumn(new TableColumn("validation accuracy").RightAligned());
        for (var i = 0; i < L2Choices.Length; i++)
        {
            table.AddRow(Format($"{L2Choices[i]:g}{(i == best ? " (kept)" : string.Empty)}"), Format($"{accuracies[i]:P2}"));
        }

        console.Results.Write(table);
        return L2Choices[best];
    }

    private static async Task WriteModelAsync(string output, SoftmaxRegression head, string trainingReport, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(output);
        await File.WriteAllBytesAsync(Path.Combine(output, "head.onnx"), HeadTraining.HeadOnnx(head.Features, [("logits", head)]), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(output, "labels.txt"), labels, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, "model.json"), Manifest, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, "TRAINING.md"), trainingReport, cancellationToken);
    }

    private static List<T> Select<T>(IReadOnlyList<T> items, IEnumerable<int> indexes) => [.. indexes.Select(i => items[i])];

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private const string Manifest = """
        {
          "task": "image-classification",
          "description": "Vehicle type of a vehicle crop: bike (motorbike), car, juggernaut (heavy lorry), minibus, pickup, truck. A multinomial logistic-regression head over resnet18-embedding.",
          "license": "Head weights: trained by this project (train-vehicle-type) on 'A Dataset Containing Tiny and Low Quality Images for Vehicle Classification', Tas, Sari, Dalveren, Pazar, Kara, Derawi, Sensors 22(13):4740, 2022, doi:10.3390/s22134740, Zenodo record 6634554, CC BY 4.0. Backbone: see resnet18-embedding.",
          "file": "head.onnx",
          "backbone": { "model": "resnet18-embedding", "version": "1" },
          "input": { "name": "features" },
          "output": { "name": "logits", "kind": "logits" },
          "labels": "labels.txt"
        }

        """;

    private static string TrainingReport(LabelledImages crops, float l2, int heldOut, int trained, ClassificationReport report)
    {
        var text = new StringBuilder();
        text.AppendLine("# vehicle-type, version 1: how it was trained");
        text.AppendLine();
        text.AppendLine("Reproduce from the repository root: `dotnet run -c Release --project functions/SmartCity.Cli -- train-vehicle-type --data ../shared/data/vehicles --out models/vehicle-type/1`.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Data: {crops.Files.Count} crops in {crops.Labels.Count} classes ({string.Join(", ", crops.Labels)}), 100×100 JPEGs from a roadside camera.");
        text.AppendLine("- Features: the L2-normalised 512-value ResNet-18 embedding (`resnet18-embedding`), one backbone pass per image.");
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
