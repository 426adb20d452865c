using System.Globalization;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using Spectre.Console;

namespace SmartCity.Cli.Classify;

/// <summary>
/// <c>classify</c> without <c>--json</c>: a table with one row per image (the file, the top labels
/// of each head with their probabilities, the milliseconds it took), then a summary line.
/// </summary>
internal static class ClassificationTable
{
    public static void Write(ClassificationRun run, IAnsiConsole console)
    {
        var heads = LabelledHeads(run);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("image");
        foreach (var head in heads)
        {
            table.AddColumn(head);
        }

        table.AddColumn(new TableColumn("ms").RightAligned());
        foreach (var image in run.Images)
        {
            table.AddRow([new Text(image.File), .. Answers(image, heads.Count), new Text(Format($"{image.Milliseconds:0.0}"))]);
        }

        console.Write(table);
        console.WriteLine(Format(
            $"{run.Images.Count} images ({run.Failed} failed) with {run.ModelId} in {run.Elapsed.TotalSeconds:0.00} s: {run.ImagesPerSecond:0.0} images/s, peak working set {run.PeakWorkingSetMb:0} MB"));
    }

    /// <summary>A column per head that has labels ("labels" when there is one), or "embedding" when none has.</summary>
    private static List<string> LabelledHeads(ClassificationRun run)
    {
        var first = run.Images.Select(i => i.Prediction).OfType<Prediction>().FirstOrDefault();
        if (first is null)
        {
            return ["result"];
        }

        if (first.Model.Task == ModelTask.ObjectDetection)
        {
            return ["detections"];
        }

        var names = first.Heads.Where(h => h.Predictions.Count > 0).Select(h => h.Name).ToList();
        return names.Count switch
        {
            0 => ["embedding"],
            1 => ["labels"],
            _ => names,
        };
    }

    private static IEnumerable<Text> Answers(ClassifiedImage image, int columns)
    {
        if (image.Prediction is not { } prediction)
        {
            return [new Text($"error: {image.Error}", new Style(Color.Red)), .. Enumerable.Repeat(Text.Empty, columns - 1)];
        }

        if (prediction.Model.Task == ModelTask.ObjectDetection)
        {
            return prediction.Detections.Count == 0
                ? [new Text("none")]
                : [new Text(string.Join("  ", prediction.Detections.Select(d => Format($"{d.Label} {d.Probability:0.000} [{d.Box.Left:0.00},{d.Box.Top:0.00},{d.Box.Width:0.00},{d.Box.Height:0.00}]"))))];
        }

        var heads = prediction.Heads.Where(h => h.Predictions.Count > 0).ToList();
        return heads.Count == 0
            ? [new Text($"embedding[{prediction.Scores.Length}]")]
            : heads.Select(h => new Text(string.Join("  ", h.Predictions.Select(l => Format($"{l.Label} {l.Probability:0.000}")))));
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
