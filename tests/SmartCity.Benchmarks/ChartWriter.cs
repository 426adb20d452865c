using ScottPlot;

namespace SmartCity.Benchmarks;

/// <summary>The report's PNG charts (ScottPlot 5).</summary>
public static class ChartWriter
{
    public const string LatencyBreakdown = "latency-breakdown.png";
    public const string ThroughputBatch = "throughput-batch.png";
    public const string ThroughputConcurrency = "throughput-concurrency.png";
    public const string ColdStart = "cold-start.png";

    private static readonly string[] SegmentOrder = ["decode", "resize+fill", "queue", "inference", "postprocess", "other", "HTTP"];

    /// <summary>Writes every chart there is data for; returns their file names.</summary>
    public static IReadOnlyList<string> Write(BenchmarkFigures figures, string folder)
    {
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

        return written;
    }

    private static Color Palette(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    private static void WriteLatency(BenchmarkFigures figures, string path)
    {
        var plot = new Plot();
        var paths = figures.Paths.Values.OrderBy(p => p.Path, StringComparer.Ordinal).ToList();
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
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 140 + (70 * paths.Count));
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
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. batches.Select(b => (double)b)], [.. batches.Select(b => b.ToString(Fmt.Culture))]);
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
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks.Select(t => Math.Log2(t))], [.. ticks.Select(t => t.ToString(Fmt.Culture))]);
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
                bars.Add(new Bar { Position = position, Value = values[s], FillColor = Palette(s), Size = 0.9, Label = Fmt.F(values[s], 0) });
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
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 160 + (90 * variants.Count));
    }
}
