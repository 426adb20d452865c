namespace SmartCity.Training.Cards;

/// <summary>How a head did on labelled images it was not trained on.</summary>
public sealed class HeldOutEvaluation
{
    /// <summary>How the images were held out (e.g. "20% of each label, seed 42").</summary>
    public string? Method { get; set; }

    public int Images { get; set; }

    public int Correct { get; set; }

    public double Accuracy { get; set; }

    public double MacroF1 { get; set; }

    /// <summary>Rows are the actual label, columns the predicted one, in <see cref="HeadCard.Labels"/> order.</summary>
    public int[][] ConfusionMatrix { get; set; } = [];

    /// <summary>Recall, precision and F1 of each label.</summary>
    public List<LabelScores> PerLabel { get; set; } = [];

    /// <summary>The card's figures of <paramref name="report"/>.</summary>
    public static HeldOutEvaluation From(ClassificationReport report, string method)
    {
        ArgumentNullException.ThrowIfNull(report);
        var labels = report.Labels.Count;
        return new HeldOutEvaluation
        {
            Method = method,
            Images = report.Total,
            Correct = report.Correct,
            Accuracy = Math.Round(report.Accuracy, 4),
            MacroF1 = Math.Round(report.MacroF1, 4),
            ConfusionMatrix = [.. Enumerable.Range(0, labels).Select(a => Enumerable.Range(0, labels).Select(p => report.Count(a, p)).ToArray())],
            PerLabel = [.. Enumerable.Range(0, labels).Select(c => new LabelScores(report.Labels[c], Math.Round(report.Recall(c), 4), Math.Round(report.Precision(c), 4), Math.Round(report.F1(c), 4)))],
        };
    }
}
