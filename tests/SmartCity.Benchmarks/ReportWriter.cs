using System.Text;

namespace SmartCity.Benchmarks;

/// <summary>Prints scenario tables to stdout and writes the markdown report.</summary>
public static class ReportWriter
{
    public static async Task WriteTextAsync(TextWriter output, ScenarioResult result)
    {
        if (result.Skipped is not null)
        {
            await output.WriteLineAsync(result.Skipped);
            return;
        }

        var widths = result.Columns.Select((c, i) => Math.Max(c.Length, result.Rows.Count == 0 ? 0 : result.Rows.Max(r => i < r.Count ? r[i].Length : 0))).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
        await output.WriteLineAsync(Line(result.Columns));
        await output.WriteLineAsync(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in result.Rows)
        {
            await output.WriteLineAsync(Line(row));
        }

        foreach (var note in result.Notes)
        {
            await output.WriteLineAsync("  " + note);
        }

        await output.WriteLineAsync($"  memory: {result.Memory}; {ReportFormat.F(result.Seconds)} s");
    }

    public static string Markdown(MachineInfo machine, BenchmarkContext context, IReadOnlyList<ScenarioResult> results, IReadOnlyList<string> charts, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine(ReportFormat.Culture, $"# SmartCity benchmark{(context.Quick ? " (quick)" : "")}");
        md.AppendLine();
        md.AppendLine(ReportFormat.Culture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalSeconds:F0} s, `dotnet run -c Release --project tests/SmartCity.Benchmarks --{(context.Quick ? " --quick" : "")}`.");
        md.AppendLine();
        md.AppendLine("| machine | |");
        md.AppendLine("| --- | --- |");
        md.AppendLine(ReportFormat.Culture, $"| cores | {machine.Cores} |");
        md.AppendLine(ReportFormat.Culture, $"| CPU | {machine.Cpu} |");
        md.AppendLine(ReportFormat.Culture, $"| OS | {machine.Os} |");
        md.AppendLine(ReportFormat.Culture, $"| .NET | {machine.DotNet} |");
        md.AppendLine(ReportFormat.Culture, $"| ONNX Runtime | {machine.OnnxRuntime} |");
        md.AppendLine(ReportFormat.Culture, $"| load average (1, 5, 15 min) | {machine.LoadAverage} |");
        md.AppendLine(ReportFormat.Culture, $"| frames | {context.Frames.Count} × 1920×1080 JPEG from `{Path.GetRelativePath(context.RepositoryRoot, context.FramesFolder)}` |");
        md.AppendLine();
        md.AppendLine("The machine is shared: a load average above the core count means other work competed for the CPU during the run. Figures are medians with p25–p75 in brackets unless a column says otherwise.");
        md.AppendLine();
        foreach (var chart in charts)
        {
            md.AppendLine(ReportFormat.Culture, $"![{Path.GetFileNameWithoutExtension(chart)}]({chart})");
            md.AppendLine();
        }

        foreach (var result in results)
        {
            md.AppendLine(ReportFormat.Culture, $"## {result.Title}");
            md.AppendLine();
            if (result.Skipped is not null)
            {
                md.AppendLine(result.Skipped);
                md.AppendLine();
                continue;
            }

            md.AppendLine("| " + string.Join(" | ", result.Columns) + " |");
            md.AppendLine("|" + string.Concat(result.Columns.Select((_, i) => i == 0 ? " --- |" : " ---: |")));
            foreach (var row in result.Rows)
            {
                md.AppendLine("| " + string.Join(" | ", row) + " |");
            }

            md.AppendLine();
            foreach (var note in result.Notes)
            {
                md.AppendLine("- " + note);
            }

            md.AppendLine(ReportFormat.Culture, $"- Memory: {result.Memory}. Took {ReportFormat.F(result.Seconds)} s.");
            md.AppendLine();
        }

        return md.ToString();
    }
}
