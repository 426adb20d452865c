using ScottPlot;

namespace SmartCity.Benchmarks;

/// <summary>The report's PNG charts (ScottPlot 5).</summary>
public static class ChartWriter
{
    public const string LatencyBreakdown = "latency-breakdown.png";
    public const string ThroughputBatch = "throughput-batch.png";
    public const string ThroughputConcurrency = "throughput-concurrency.png";
    public const string ColdStart = "cold-start.png";
    public const string Footprint = "footprint.png";
    public const string Quantized = "quantized.png";

    private static readonly string[] SegmentOrder = ["decode", "resize+fill", "queue", "inference", "postprocess", "other", "HTTP"];

    /// <summary>Where a TrueType font is looked for (the SkiaSharp build without fontconfig sees no system fonts by itself).</summary>
    private static readonly string[] FontFolders = ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", @"C:\Windows\Fonts"];

    private static readonly string[] PreferredFonts = ["DejaVuSans", "LiberationSans-Regular", "Arial", "arial"];

    /// <summary>Writes every chart there is data for; returns their file names.</summary>
    public static IReadOnlyList<string> Write(BenchmarkFigures figures, string folder, TextWriter? warnings = null)
    {
        if (!UseSystemFont())
        {
            warnings?.WriteLine("No TrueType font found (install fonts-dejavu-core): the charts will have no text.");
        }

        var written = new List<string>();
        if (figures.Paths.Count > 0)
        {
            WriteLatency(figures, Path.Combine(folder, LatencyBreakdown));
            written.Add(LatencyBreakdown);
        }

        if (figures.RawBatchMs.Count > 0)
        {
            WriteThroughputBatch(figures, Path.Combine(folder, ThroughputBatch));
            written.Add(ThroughputBatch);
        }

        if (figures.ThroughputByCallers.Count > 0)
        {
            WriteThroughputConcurrency(figures, Path.Combine(folder, ThroughputConcurrency));
            written.Add(ThroughputConcurrency);
        }

        if (figures.ColdStarts.Count > 0)
        {
            WriteColdStart(figures, Path.Combine(folder, ColdStart));
            written.Add(ColdStart);
        }

        if (figures.Footprints.Count > 0)
        {
            WriteFootprint(figures, Path.Combine(folder, Footprint));
            written.Add(Footprint);
        }

        if (figures.QuantizedBackbone.Count > 0)
        {
            WriteQuantized(figures, Path.Combine(folder, Quantized));
            written.Add(Quantized);
        }

        return written;
    }

    private static void WriteFootprint(BenchmarkFigures figures, string path)
    {
        var plot = new Plot();
        var runs = figures.Footprints;
        var bars = runs.Select((r, i) => new Bar
        {
            Position = runs.Count - 1 - i,
            Value = r.PeakWorkingSetMb,
            FillColor = Palette(r.Variant.StartsWith("raw", StringComparison.Ordinal) ? 0 : 1),
            Size = 0.8,
            Label = ReportFormat.F(r.PeakWorkingSetMb, 0),
        }).ToList();
        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;
        plottable.ValueLabelStyle.FontSize = 11;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, runs.Count).Select(i => (double)(runs.Count - 1 - i))], [.. runs.Select(r => r.Variant)]);
        plot.Axes.SetLimitsX(0, runs.Max(r => r.PeakWorkingSetMb) * 1.15);
        plot.Title("Peak resident memory of a fresh process (median MB)");
        plot.XLabel("MB (Process.PeakWorkingSet64)");
        plot.SavePng(path, 1000, 160 + (40 * runs.Count));
    }

    /// <summary>Scenario 12: each measure of the 8-bit backbone as a ratio to float, with the line at 1 (the float model).</summary>
    private static void WriteQuantized(BenchmarkFigures figures, string path)
    {
        var plot = new Plot();
        var runs = figures.QuantizedBackbone;
        var bars = runs.Select((r, i) => new Bar
        {
            Position = runs.Count - 1 - i,
            Value = r.Ratio,
            FillColor = Palette(r.Ratio <= 1 == !r.Measure.Contains("images/s", StringComparison.Ordinal) ? 2 : 3),
            Size = 0.7,
            Label = ReportFormat.F(r.Ratio, 2) + "×",
        }).ToList();
        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;
        plottable.ValueLabelStyle.FontSize = 11;
        var one = plot.Add.VerticalLine(1);
        one.LineColor = Colors.Black;
        one.LinePattern = LinePattern.Dashed;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, runs.Count).Select(i => (double)(runs.Count - 1 - i))], [.. runs.Select(r => r.Measure.Split(" (", 2)[0])]);
        plot.Axes.SetLimitsX(0, Math.Max(1.2, runs.Max(r => r.Ratio) * 1.2));
        plot.Title("8-bit ResNet-18 / float, same run (green: better, red: worse)");
        plot.XLabel("ratio to the float backbone");
        plot.SavePng(path, 1100, 160 + (40 * runs.Count));
    }

    private static bool _fontChosen;

    private static bool UseSystemFont()
    {
        if (_fontChosen)
        {
            return true;
        }

        var files = FontFolders.Where(Directory.Exists)
            .SelectMany(f => Directory.EnumerateFiles(f, "*.ttf", SearchOption.AllDirectories))
            .ToList();
        foreach (var name in PreferredFonts)
        {
            var regular = files.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == name);
            if (regular is null)
            {
                continue;
            }

            Fonts.AddFontFile("Benchmark Sans", regular, bold: false, italic: false);
            var bold = files.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == name.Replace("-Regular", "", StringComparison.Ordinal) + "-Bold");
            Fonts.AddFontFile("Benchmark Sans", bold ?? regular, bold: true, italic: false);
            Fonts.Default = "Benchmark Sans";
            _fontChosen = true;
            return true;
        }

        return false;
    }

    private static Color Palette(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    private static void WriteLatency(BenchmarkFigures figures, string path)
    {
        var plot = new Plot();
        // Bottom to top: per model, the raw Run under the engine under HTTP.
        var paths = figures.Paths.Values
            .OrderByDescending(p => p.Path.Split(' ')[^1], StringComparer.Ordinal)
            .ThenBy(p => p.Path.StartsWith("raw", StringComparison.Ordinal) ? 0 : p.Path.StartsWith("engine", StringComparison.Ordinal) ? 1 : 2)
            .ToList();
        var bars = new List<Bar>();
        for (var i = 0; i < paths.Count; i++)
        {
            var start = 0.0;
            foreach (var (segment, ms) in paths[i].Segments.OrderBy(s => Array.IndexOf(SegmentOrder, s.Segment)))
            {
                bars.Add(new Bar { Position = i, ValueBase = start, Value = start + ms, FillColor = Palette(Array.IndexOf(SegmentOrder, segment)), Size = 0.6 });
                start += ms;
            }
        }

        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;
        foreach (var segment in SegmentOrder.Where(s => paths.Any(p => p.Segments.Any(x => x.Segment == s))))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = segment, FillColor = Palette(Array.IndexOf(SegmentOrder, segment)) });
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, paths.Count).Select(i => (double)i)], [.. paths.Select(p => p.Path)]);
        plot.Axes.Margins(left: 0, bottom: 0.05);
        plot.Title("Single prediction: where the time goes (median ms, one caller)");
        plot.XLabel("milliseconds");
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 900, 200 + (70 * paths.Count));
    }

    private static void WriteThroughputBatch(BenchmarkFigures figures, string path)
    {
        var plot = new Plot();
        var index = 0;
        foreach (var (model, byBatch) in figures.RawBatchMs)
        {
            double[] xs = [.. byBatch.Keys.Select(k => (double)k)];
            double[] ys = [.. byBatch.Select(kv => kv.Key * 1000.0 / kv.Value)];
            var line = plot.Add.Scatter(xs, ys, Palette(index++));
            line.LegendText = $"raw Run {model}";
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }

        var batches = figures.RawBatchMs.Values.SelectMany(b => b.Keys).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. batches.Select(b => (double)b)], [.. batches.Select(b => b.ToString(ReportFormat.Culture))]);
        plot.Axes.SetLimitsY(0, figures.RawBatchMs.Values.SelectMany(b => b.Select(kv => kv.Key * 1000.0 / kv.Value)).Max() * 1.2);
        plot.Title("Raw ONNX Runtime throughput by batch size");
        plot.XLabel("batch size");
        plot.YLabel("images/s");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 800, 450);
    }

    private static void WriteThroughputConcurrency(BenchmarkFigures figures, string path)
    {
        var plot = new Plot();
        double[] xs = [.. figures.ThroughputByCallers.Keys.Select(k => Math.Log2(k))];
        double[] ys = [.. figures.ThroughputByCallers.Values];
        var engine = plot.Add.Scatter(xs, ys, Palette(0));
        engine.LegendText = "engine (max batch 16) by concurrent callers";
        engine.LineWidth = 2;
        engine.MarkerSize = 8;
        var max = figures.ThroughputByCallers.Values.Max();
        if (figures.ThroughputByMaxBatch.Count > 0)
        {
            double[] gainXs = [.. figures.ThroughputByMaxBatch.Keys.Select(k => Math.Log2(k))];
            double[] gainYs = [.. figures.ThroughputByMaxBatch.Values];
            var gain = plot.Add.Scatter(gainXs, gainYs, Palette(1));
            gain.LegendText = "engine, 16 callers, by max batch size";
            gain.LineWidth = 2;
            gain.LinePattern = LinePattern.Dashed;
            gain.MarkerSize = 8;
            max = Math.Max(max, figures.ThroughputByMaxBatch.Values.Max());
        }

        var (batch, raw) = figures.BestRaw(BenchmarkContext.VehicleType);
        if (!double.IsNaN(raw))
        {
            var line = plot.Add.HorizontalLine(raw, 2, Palette(2), LinePattern.Dotted);
            line.LegendText = $"raw Run vehicle-type, batch {batch}";
            var target = plot.Add.HorizontalLine(raw * Scenarios.ThroughputScenario.Target, 1, Palette(3), LinePattern.Dotted);
            target.LegendText = $"target {Scenarios.ThroughputScenario.Target:0.00}× raw";
            max = Math.Max(max, raw);
        }

        var ticks = figures.ThroughputByCallers.Keys.Concat(figures.ThroughputByMaxBatch.Keys).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks.Select(t => Math.Log2(t))], [.. ticks.Select(t => t.ToString(ReportFormat.Culture))]);
        plot.Axes.SetLimitsY(0, max * 1.25);
        plot.Title("Engine throughput (vehicle-type, encoded frames)");
        plot.XLabel("concurrent callers / max batch size (log scale)");
        plot.YLabel("images/s");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 800, 450);
    }

    private static void WriteColdStart(BenchmarkFigures figures, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        string[] series = ["session loads", "start → ready", "start → first answer"];
        var variants = figures.ColdStarts;
        for (var i = 0; i < variants.Count; i++)
        {
            double[] values = [variants[i].SessionLoadMs, variants[i].ReadyMs, variants[i].FirstAnswerMs];
            for (var s = 0; s < values.Length; s++)
            {
                var position = (i * 4) + (2 - s);
                bars.Add(new Bar { Position = position, Value = values[s], FillColor = Palette(s), Size = 0.9, Label = ReportFormat.F(values[s], 0) });
            }
        }

        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;
        plottable.ValueLabelStyle.FontSize = 11;
        for (var s = 0; s < series.Length; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = Palette(s) });
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, variants.Count).Select(i => (i * 4) + 1.0)], [.. variants.Select(v => v.Variant)]);
        plot.Axes.SetLimitsX(0, variants.Max(v => v.FirstAnswerMs) * 1.15);
        plot.Title("Cold start in a fresh process (median ms)");
        plot.XLabel("milliseconds from process start");
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 900, 220 + (90 * variants.Count));
    }
}
