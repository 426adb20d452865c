using System.Globalization;
using SmartCity.Training;
using Spectre.Console;

namespace SmartCity.Cli.Training;

/// <summary>A <see cref="ClassificationReport"/> on the terminal: the summary line, then the confusion matrix with recall and precision.</summary>
internal static class ClassificationReportTable
{
    public static void Write(ClassificationReport report, IAnsiConsole console)
    {
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Accuracy {report.Accuracy:P2} ({report.Correct}/{report.Total}), macro-F1 {report.MacroF1:0.000}"));
        var table = new Table().Border(TableBorder.Rounded).AddColumn(@"actual \ predicted");
        foreach (var label in report.Labels)
        {
            table.AddColumn(new TableColumn(Markup.Escape(label)).RightAligned());
        }

        table.AddColumn(new TableColumn("recall").RightAligned()).AddColumn(new TableColumn("precision").RightAligned());
        for (var a = 0; a < report.Labels.Count; a++)
        {
            var counts = Enumerable.Range(0, report.Labels.Count).Select(p => report.Count(a, p).ToString(CultureInfo.InvariantCulture));
            table.AddRow([new Text(report.Labels[a]), .. counts.Select(c => new Text(c)), Percent(report.Recall(a)), Percent(report.Precision(a))]);
        }

        console.Write(table);
    }

    private static Text Percent(double value) => new(value.ToString("P1", CultureInfo.InvariantCulture));
}
