using System.Globalization;
using System.Text;

namespace SmartCity.Training;

/// <summary>
/// How a classifier did on labelled examples it was not trained on: the confusion matrix
/// (rows are the actual class, columns the predicted one), accuracy, per-class recall,
/// precision and F1, and macro-F1 (the unweighted mean of the per-class F1).
/// </summary>
public sealed class ClassificationReport
{
    private readonly int[,] _confusion;

    private ClassificationReport(int[,] confusion, IReadOnlyList<string> labels)
    {
        _confusion = confusion;
        Labels = labels;
        for (var a = 0; a < labels.Count; a++)
        {
            for (var p = 0; p < labels.Count; p++)
            {
                Total += confusion[a, p];
            }

            Correct += confusion[a, a];
        }
    }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>Examples evaluated.</summary>
    public int Total { get; }

    /// <summary>Examples whose predicted class is the actual one.</summary>
    public int Correct { get; }

    /// <summary>The share of examples classified right (0 when there are none).</summary>
    public double Accuracy => (double)Correct / Math.Max(Total, 1);

    /// <summary>The mean of the per-class F1 scores, every class weighing the same.</summary>
    public double MacroF1
    {
        get
        {
            var sum = 0.0;
            for (var c = 0; c < Labels.Count; c++)
            {
                sum += F1(c);
            }

            return sum / Labels.Count;
        }
    }

    /// <summary>A report from the actual and predicted class of each example.</summary>
    public static ClassificationReport FromPredictions(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(labels);
        if (actual.Count != predicted.Count)
        {
            throw new ArgumentException($"{actual.Count} actual classes but {predicted.Count} predictions.", nameof(predicted));
        }

        var matrix = new int[labels.Count, labels.Count];
        for (var i = 0; i < actual.Count; i++)
        {
            matrix[actual[i], predicted[i]]++;
        }

        return new ClassificationReport(matrix, labels);
    }

    /// <summary>A report from a confusion matrix <c>[actual, predicted]</c>, one row and column per label.</summary>
    public static ClassificationReport FromConfusionMatrix(int[,] confusion, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        ArgumentNullException.ThrowIfNull(labels);
        if (confusion.GetLength(0) != labels.Count || confusion.GetLength(1) != labels.Count)
        {
            throw new ArgumentException($"The confusion matrix must be {labels.Count}×{labels.Count}, one row and column per label.", nameof(confusion));
        }

        return new ClassificationReport((int[,])confusion.Clone(), labels);
    }

    /// <summary>
    /// A report from the Markdown confusion matrix <see cref="ToMarkdown"/> writes (a header row
    /// naming the labels, then one row per actual label: <c>| **label** | counts... | recall | precision |</c>),
    /// as the models' <c>TRAINING.md</c> files hold it. The first such table in <paramref name="markdown"/> is read.
    /// </summary>
    public static ClassificationReport FromMarkdown(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.Split('\n').Select(l => l.Trim()).ToList();
        var header = lines.FindIndex(l => l.StartsWith("| actual \\ predicted |", StringComparison.Ordinal));
        if (header < 0)
        {
            throw new FormatException("No confusion matrix ('| actual \\ predicted | ...') was found.");
        }

        var labels = Cells(lines[header]).Skip(1).SkipLast(2).ToList();
        var matrix = new int[labels.Count, labels.Count];
        for (var a = 0; a < labels.Count; a++)
        {
            var cells = Cells(lines[header + 2 + a]);
            if (cells.Count != labels.Count + 3 || cells[0].Trim('*') != labels[a])
            {
                throw new FormatException($"Row {a + 1} of the confusion matrix is not the row of '{labels[a]}'.");
            }

            for (var p = 0; p < labels.Count; p++)
            {
                matrix[a, p] = int.Parse(cells[p + 1], NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        return new ClassificationReport(matrix, labels);
    }

    private static List<string> Cells(string row) => [.. row.Trim('|').Split('|').Select(c => c.Trim())];

    /// <summary>The sum of reports over the same labels (e.g. one per unseen camera), as one report.</summary>
    public static ClassificationReport Sum(IReadOnlyList<ClassificationReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var labels = reports[0].Labels;
        var matrix = new int[labels.Count, labels.Count];
        foreach (var report in reports)
        {
            if (!report.Labels.SequenceEqual(labels))
            {
                throw new ArgumentException("The reports have different labels.", nameof(reports));
            }

            for (var a = 0; a < labels.Count; a++)
            {
                for (var p = 0; p < labels.Count; p++)
                {
                    matrix[a, p] += report._confusion[a, p];
                }
            }
        }

        return new ClassificationReport(matrix, labels);
    }

    /// <summary>How <paramref name="model"/> classifies <paramref name="features"/>, whose classes are <paramref name="actual"/>.</summary>
    public static ClassificationReport Evaluate(SoftmaxRegression model, IReadOnlyList<float[]> features, IReadOnlyList<int> actual, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        return FromPredictions(actual, [.. features.Select(model.Predict)], labels);
    }

    /// <summary>Examples of class <paramref name="actual"/> that were predicted as <paramref name="predicted"/>.</summary>
    public int Count(int actual, int predicted) => _confusion[actual, predicted];

    /// <summary>The share of the examples of class <paramref name="c"/> predicted as it (0 when it has none).</summary>
    public double Recall(int c)
    {
        var actual = 0;
        for (var p = 0; p < Labels.Count; p++)
        {
            actual += _confusion[c, p];
        }

        return actual == 0 ? 0 : (double)_confusion[c, c] / actual;
    }

    /// <summary>The share of the examples predicted as class <paramref name="c"/> that are of it (0 when none were).</summary>
    public double Precision(int c)
    {
        var predicted = 0;
        for (var a = 0; a < Labels.Count; a++)
        {
            predicted += _confusion[a, c];
        }

        return predicted == 0 ? 0 : (double)_confusion[c, c] / predicted;
    }

    /// <summary>The harmonic mean of recall and precision of class <paramref name="c"/> (0 when both are 0).</summary>
    public double F1(int c)
    {
        var recall = Recall(c);
        var precision = Precision(c);
        return recall + precision == 0 ? 0 : 2 * recall * precision / (recall + precision);
    }

    /// <summary>
    /// A summary line (accuracy, macro-F1), a blank line, and the confusion matrix as a Markdown
    /// table with recall and precision per class, as the models' <c>TRAINING.md</c> show it.
    /// </summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Accuracy **{Accuracy:P2}** ({Correct}/{Total}), macro-F1 **{MacroF1:0.000}**."));
        text.AppendLine();
        text.AppendLine("| actual \\ predicted | " + string.Join(" | ", Labels) + " | recall | precision |");
        text.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", Labels.Count + 2)));
        for (var a = 0; a < Labels.Count; a++)
        {
            text.Append(CultureInfo.InvariantCulture, $"| **{Labels[a]}** | ");
            for (var p = 0; p < Labels.Count; p++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{_confusion[a, p]} | ");
            }

            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{Recall(a):P1} | {Precision(a):P1} |"));
        }

        return text.ToString();
    }
}
