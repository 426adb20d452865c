using System.Text.RegularExpressions;

namespace SmartCity.Training.Tests;

public partial class ClassificationReportTests
{
    private static readonly string[] Labels = ["a", "b", "c"];

    // actual:    a a a b b c
    // predicted: a a b b c c
    // confusion [actual, predicted] = [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    private static ClassificationReport HandComputed() =>
        ClassificationReport.FromPredictions([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], Labels);

    [Fact]
    public void The_confusion_matrix_counts_each_actual_and_predicted_pair()
    {
        var report = HandComputed();

        int[,] expected = { { 2, 1, 0 }, { 0, 1, 1 }, { 0, 0, 1 } };
        for (var a = 0; a < 3; a++)
        {
            for (var p = 0; p < 3; p++)
            {
                Assert.Equal(expected[a, p], report.Count(a, p));
            }
        }

        Assert.Equal(6, report.Total);
        Assert.Equal(4, report.Correct);
    }

    [Fact]
    public void Accuracy_recall_precision_and_macro_F1_match_the_hand_computed_figures()
    {
        var report = HandComputed();

        Assert.Equal(4.0 / 6, report.Accuracy, 12);
        Assert.Equal([2.0 / 3, 1.0 / 2, 1.0], Enumerable.Range(0, 3).Select(report.Recall));
        Assert.Equal([1.0, 1.0 / 2, 1.0 / 2], Enumerable.Range(0, 3).Select(report.Precision));
        // F1: a = 2·(2/3)·1 / (5/3) = 0.8, b = 0.5, c = 2·1·(1/2) / (3/2) = 2/3.
        Assert.Equal(0.8, report.F1(0), 12);
        Assert.Equal(0.5, report.F1(1), 12);
        Assert.Equal(2.0 / 3, report.F1(2), 12);
        Assert.Equal((0.8 + 0.5 + (2.0 / 3)) / 3, report.MacroF1, 12);
    }

    [Fact]
    public void A_class_never_predicted_and_never_present_scores_zero_not_NaN()
    {
        var report = ClassificationReport.FromPredictions([0, 0], [0, 0], Labels);

        Assert.Equal(1.0, report.Accuracy);
        Assert.Equal(0.0, report.Recall(1));
        Assert.Equal(0.0, report.Precision(2));
        Assert.Equal(1.0 / 3, report.MacroF1, 12);
    }

    [Fact]
    public void Evaluate_compares_the_model_prediction_with_the_actual_class()
    {
        float[][] x = [[0f], [0.1f], [0.2f], [5f], [5.1f], [5.2f]];
        var model = SoftmaxRegression.Train(x, [0, 0, 0, 1, 1, 1], classes: 2);

        var report = ClassificationReport.Evaluate(model, [[0.05f], [5.05f], [0.15f]], [0, 1, 1], ["low", "high"]);

        Assert.Equal(2, report.Correct);
        Assert.Equal(1, report.Count(1, 0));
    }

    [Fact]
    public void Markdown_has_the_summary_then_the_matrix_with_recall_and_precision()
    {
        var markdown = HandComputed().ToMarkdown();

        Assert.Equal(
            """
            Accuracy **66.67 %** (4/6), macro-F1 **0.656**.

            | actual \ predicted | a | b | c | recall | precision |
            |---|---:|---:|---:|---:|---:|
            | **a** | 2 | 1 | 0 | 66.7 % | 100.0 % |
            | **b** | 0 | 1 | 1 | 50.0 % | 50.0 % |
            | **c** | 0 | 0 | 1 | 100.0 % | 50.0 % |

            """,
            markdown);
    }

    /// <summary>
    /// Every report in the committed training reports, rebuilt from its confusion matrix, renders
    /// exactly as committed: the Markdown the trainers write has not changed.
    /// </summary>
    [Theory]
    [InlineData("models/vehicle-type/1/TRAINING.md", 1)]
    [InlineData("models/traffic-scene/1/TRAINING.md", 144)]
    [InlineData("models/traffic-scene/2/TRAINING.md", 6)]
    public void Markdown_reproduces_the_reports_in_the_committed_training_reports(string file, int reports)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, file));

        var matches = CommittedReport().Matches(text);

        Assert.Equal(reports, matches.Count);
        foreach (Match match in matches)
        {
            var labels = match.Groups["header"].Value.Split(" | ");
            var rows = match.Groups["row"].Captures.Select(c => c.Value.Split(" | ")).ToList();
            var confusion = new int[labels.Length, labels.Length];
            for (var a = 0; a < labels.Length; a++)
            {
                for (var p = 0; p < labels.Length; p++)
                {
                    confusion[a, p] = int.Parse(rows[a][p + 1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            Assert.Equal(match.Groups["report"].Value, ClassificationReport.FromConfusionMatrix(confusion, labels).ToMarkdown());
        }
    }

    [GeneratedRegex(@"(?<report>Accuracy \*\*.*\n\n\| actual \\ predicted \| (?<header>.*?) \| recall \| precision \|\n\|---\|.*\n(?:\| (?<row>\*\*.*?) \|\n)+)")]
    private static partial Regex CommittedReport();
}
