namespace SmartCity.Benchmarks;

/// <summary>What one scenario found: a table for stdout and the report, notes, and its memory.</summary>
public sealed class ScenarioResult(string id, string title)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    /// <summary>Why the scenario did not run, or null when it ran.</summary>
    public string? Skipped { get; set; }

    public IReadOnlyList<string> Columns { get; set; } = [];

    public List<IReadOnlyList<string>> Rows { get; } = [];

    /// <summary>Lines under the table: how it was measured, targets met or missed.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>How the memory figure was taken (sampled in-process, or a child's own peak).</summary>
    public string? Memory { get; set; }

    public double Seconds { get; set; }

    public void Row(params string[] cells) => Rows.Add(cells);

    public static ScenarioResult Skip(string id, string title, string reason) => new(id, title) { Skipped = reason };
}

/// <summary>Figures the charts and the cross-scenario ratios read.</summary>
public sealed class BenchmarkFigures
{
    /// <summary>Raw ONNX Runtime ms per batch (median), by model then batch size.</summary>
    public Dictionary<string, SortedDictionary<int, double>> RawBatchMs { get; } = [];

    /// <summary>Engine single-caller breakdown per path (model): segment name to median ms.</summary>
    public Dictionary<string, LatencyBreakdown> Paths { get; } = [];

    /// <summary>Engine images/s by concurrent callers.</summary>
    public SortedDictionary<int, double> ThroughputByCallers { get; } = [];

    /// <summary>Engine images/s by maximum batch size (at the gain scenario's callers).</summary>
    public SortedDictionary<int, double> ThroughputByMaxBatch { get; } = [];

    public List<ColdStartFigure> ColdStarts { get; } = [];

    /// <summary>Engine single prediction p50 (ms), by model.</summary>
    public Dictionary<string, double> EngineP50 { get; } = [];

    public double RawImagesPerSecond(string model, int batch) =>
        RawBatchMs.TryGetValue(model, out var byBatch) && byBatch.TryGetValue(batch, out var ms) ? batch * 1000.0 / ms : double.NaN;

    public (int Batch, double ImagesPerSecond) BestRaw(string model) =>
        RawBatchMs.TryGetValue(model, out var byBatch) && byBatch.Count > 0
            ? byBatch.Select(kv => (kv.Key, kv.Key * 1000.0 / kv.Value)).MaxBy(x => x.Item2)
            : (0, double.NaN);
}

/// <summary>Where one path's single-caller time goes (medians, ms).</summary>
public sealed record LatencyBreakdown(string Path, IReadOnlyList<(string Segment, double Ms)> Segments);

/// <summary>One cold-start variant: medians over its runs (ms).</summary>
public sealed record ColdStartFigure(string Variant, double MainMs, double ReadyMs, double FirstAnswerMs, double SessionLoadMs);
