namespace SmartCity.Benchmarks;

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

    public List<FootprintFigure> Footprints { get; } = [];

    /// <summary>Scenario 12: each measure of the 8-bit backbone as a ratio to the float one.</summary>
    public List<QuantizedFigure> QuantizedBackbone { get; } = [];

    /// <summary>Engine single prediction p50 (ms), by model.</summary>
    public Dictionary<string, double> EngineP50 { get; } = [];

    public double RawImagesPerSecond(string model, int batch) =>
        RawBatchMs.TryGetValue(model, out var byBatch) && byBatch.TryGetValue(batch, out var ms) ? batch * 1000.0 / ms : double.NaN;

    public (int Batch, double ImagesPerSecond) BestRaw(string model) =>
        RawBatchMs.TryGetValue(model, out var byBatch) && byBatch.Count > 0
            ? byBatch.Select(kv => (kv.Key, kv.Key * 1000.0 / kv.Value)).MaxBy(x => x.Item2)
            : (0, double.NaN);
}
