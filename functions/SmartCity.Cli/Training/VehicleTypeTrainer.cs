using SmartCity.Training;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>train-vehicle-type</c>: trains the vehicle-type head on ResNet-18 embeddings of the
/// labelled crops (folder name = label), reports held-out accuracy, and writes the model version.
/// </summary>
internal static class VehicleTypeTrainer
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var data = arguments.Get("data", Path.Combine("..", "shared", "data", "vehicles"));
        var output = arguments.Get("out", Path.Combine("models", "vehicle-type", "1"));
        if (!Directory.Exists(data))
        {
            throw new ArgumentException($"The data folder '{data}' does not exist.");
        }

        var labels = Directory.EnumerateDirectories(data).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var files = new List<string>();
        var classes = new List<int>();
        for (var c = 0; c < labels.Count; c++)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(data, labels[c]), "*.jpg").Order(StringComparer.Ordinal))
            {
                files.Add(file);
                classes.Add(c);
            }
        }

        Console.WriteLine($"{files.Count} images in {labels.Count} classes: {string.Join(", ", labels)}");
        await using var engine = EngineFactory.Create(arguments);
        var started = Stopwatch.GetTimestamp();
        using var progress = Console.IsErrorRedirected ? null : new ProgressBar(files.Count);
        var embeddings = await HeadTraining.EmbedAsync(engine, files, imageDone: progress is null ? null : progress.Advance);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Embedded in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));

        // 20% held out for the report; the regularisation is chosen on a validation split of the rest.
        var (trainAll, test) = HeadTraining.StratifiedSplit(classes, 0.2, seed: 42);
        var trainClasses = trainAll.Select(i => classes[i]).ToList();
        var (fitPart, validationPart) = HeadTraining.StratifiedSplit(trainClasses, 0.2, seed: 7);
        var fit = fitPart.Select(i => trainAll[i]).ToList();
        var validation = validationPart.Select(i => trainAll[i]).ToList();
        var bestL2 = 0f;
        var bestAccuracy = -1.0;
        foreach (var l2 in new[] { 1e-4f, 1e-3f, 3e-3f, 1e-2f, 3e-2f })
        {
            var candidate = SoftmaxRegression.Train(Select(embeddings, fit), Select(classes, fit), labels.Count, l2);
            var accuracy = ClassificationReport.Evaluate(candidate, Select(embeddings, validation), Select(classes, validation), labels).Accuracy;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  l2={l2:g}: validation accuracy {accuracy:P2}"));
            if (accuracy > bestAccuracy)
            {
                (bestL2, bestAccuracy) = (l2, accuracy);
            }
        }

        var model = SoftmaxRegression.Train(Select(embeddings, trainAll), Select(classes, trainAll), labels.Count, bestL2);
        var report = ClassificationReport.Evaluate(model, Select(embeddings, test), Select(classes, test), labels).ToMarkdown();
        Console.WriteLine();
        Console.WriteLine($"Held-out split ({test.Count} images, 20% per class, seed 42), head trained on the other {trainAll.Count}:");
        Console.WriteLine(report);

        // The shipped head is trained on every image, with the same settings.
        var final = SoftmaxRegression.Train(embeddings, classes, labels.Count, bestL2);
        Directory.CreateDirectory(output);
        await File.WriteAllBytesAsync(Path.Combine(output, "head.onnx"), HeadTraining.HeadOnnx(final.Features, [("logits", final)]));
        await File.WriteAllLinesAsync(Path.Combine(output, "labels.txt"), labels);
        await File.WriteAllTextAsync(Path.Combine(output, "model.json"), Manifest);
        await File.WriteAllTextAsync(Path.Combine(output, "TRAINING.md"), TrainingReport(files.Count, labels, bestL2, test.Count, trainAll.Count, report));
        Console.WriteLine($"Wrote {output}");
        return 0;
    }

    private static List<T> Select<T>(IReadOnlyList<T> items, IEnumerable<int> indexes) => [.. indexes.Select(i => items[i])];

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

    private static string TrainingReport(int images, List<string> labels, float l2, int heldOut, int trained, string report)
    {
        var text = new StringBuilder();
        text.AppendLine("# vehicle-type, version 1: how it was trained");
        text.AppendLine();
        text.AppendLine("Reproduce from the repository root: `dotnet run -c Release --project functions/SmartCity.Cli -- train-vehicle-type --data ../shared/data/vehicles --out models/vehicle-type/1`.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Data: {images} crops in {labels.Count} classes ({string.Join(", ", labels)}), 100×100 JPEGs from a roadside camera.");
        text.AppendLine("- Features: the L2-normalised 512-value ResNet-18 embedding (`resnet18-embedding`), one backbone pass per image.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Head: multinomial logistic regression on standardised features (Adam, 400 full-batch epochs, L2 = {l2:g}, chosen on a validation split of the training part). Standardisation is folded into the Gemm of `head.onnx`.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Held-out split: {heldOut} images (20% of each class, seed 42) never seen by the evaluated head, trained on the other {trained}. The shipped head is then trained on all images with the same settings.");
        text.AppendLine();
        text.AppendLine("## Held-out result");
        text.AppendLine();
        text.AppendLine(report);
        text.AppendLine("## Credit");
        text.AppendLine();
        text.AppendLine("Trained on \"A Dataset Containing Tiny and Low Quality Images for Vehicle Classification\", Tas, Sari, Dalveren, Pazar, Kara, Derawi, Sensors 22(13):4740, 2022, doi:10.3390/s22134740; Zenodo record 6634554. Licence: CC BY 4.0.");
        return text.ToString();
    }
}
