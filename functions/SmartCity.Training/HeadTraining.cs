using System.Globalization;
using System.Text;
using SmartCity.Inference.Runtime;

namespace SmartCity.Training;

/// <summary>Pieces every head trainer uses: embeddings, splits, reports, the head's ONNX file.</summary>
public static class HeadTraining
{
    /// <summary>L2-normalised ResNet-18 embeddings of <paramref name="files"/>, in order, computed in batches.</summary>
    /// <param name="imageDone">Called once per embedded image (from any thread), e.g. to move a progress bar.</param>
    public static async Task<float[][]> EmbedAsync(InferenceEngine engine, IReadOnlyList<string> files, string backbone = "resnet18-embedding", Action? imageDone = null)
    {
        var model = engine.Repository.Get(backbone);
        var result = new float[files.Count][];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var prediction = await engine.PredictAsync(model, await File.ReadAllBytesAsync(files[i], ct), 0, 0f, ct);
            result[i] = prediction.Scores;
            imageDone?.Invoke();
        });
        return result;
    }

    /// <summary>A stratified split: about <paramref name="fraction"/> of each class goes to the second list.</summary>
    public static (List<int> Train, List<int> Test) StratifiedSplit(IReadOnlyList<int> labels, double fraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var shuffled = group.OrderBy(_ => random.Next()).ToList();
            var take = (int)Math.Round(shuffled.Count * fraction);
            test.AddRange(shuffled.Take(take));
            train.AddRange(shuffled.Skip(take));
        }

        return (train, test);
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Confusion matrix [actual, predicted].</summary>
    public static int[,] Confusion(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, int classes)
    {
        var matrix = new int[classes, classes];
        for (var i = 0; i < actual.Count; i++)
        {
            matrix[actual[i], predicted[i]]++;
        }

        return matrix;
    }

    /// <summary>Accuracy, macro-F1, per-class recall/precision and the confusion matrix, as markdown.</summary>
    public static string Report(int[,] matrix, IReadOnlyList<string> labels)
    {
        var classes = labels.Count;
        var total = 0;
        var correct = 0;
        var f1Sum = 0.0;
        var text = new StringBuilder();
        text.AppendLine("| actual \\ predicted | " + string.Join(" | ", labels) + " | recall | precision |");
        text.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", classes + 2)));
        for (var a = 0; a < classes; a++)
        {
            var rowTotal = 0;
            var columnTotal = 0;
            for (var p = 0; p < classes; p++)
            {
                rowTotal += matrix[a, p];
                columnTotal += matrix[p, a];
            }

            total += rowTotal;
            correct += matrix[a, a];
            var recall = rowTotal == 0 ? 0 : (double)matrix[a, a] / rowTotal;
            var precision = columnTotal == 0 ? 0 : (double)matrix[a, a] / columnTotal;
            f1Sum += recall + precision == 0 ? 0 : 2 * recall * precision / (recall + precision);
            text.Append(CultureInfo.InvariantCulture, $"| **{labels[a]}** | ");
            for (var p = 0; p < classes; p++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{matrix[a, p]} | ");
            }

            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{recall:P1} | {precision:P1} |"));
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Accuracy **{(double)correct / Math.Max(total, 1):P2}** ({correct}/{total}), macro-F1 **{f1Sum / classes:0.000}**.");
        return summary + Environment.NewLine + Environment.NewLine + text;
    }

    /// <summary>
    /// The head as ONNX: the backbone's raw output [batch, features] is L2-normalised (as the
    /// embedding the head was trained on), then one Gemm gives the logits per head output.
    /// </summary>
    public static byte[] HeadOnnx(int features, IReadOnlyList<(string Output, SoftmaxRegression Model)> heads)
    {
        var builder = new OnnxGraphBuilder("head")
            .AddFloatInput("features", "batch", features)
            .AddNode("LpNormalization", ["features"], ["normalized"], new Dictionary<string, object> { ["axis"] = 1L, ["p"] = 2L });
        foreach (var (output, model) in heads)
        {
            var (weights, bias) = model.Folded();
            builder.AddInitializer($"{output}_weight", weights, features, model.Classes)
                .AddInitializer($"{output}_bias", bias, model.Classes)
                .AddNode("Gemm", ["normalized", $"{output}_weight", $"{output}_bias"], [output])
                .AddFloatOutput(output, "batch", model.Classes);
        }

        return builder.Build("SmartCity.Cli train");
    }
}
