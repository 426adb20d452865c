namespace SmartCity.Benchmarks;

/// <summary>Where one path's single-caller time goes (medians, ms).</summary>
public sealed record LatencyBreakdown(string Path, IReadOnlyList<(string Segment, double Ms)> Segments);
