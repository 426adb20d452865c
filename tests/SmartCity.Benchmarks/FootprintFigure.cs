namespace SmartCity.Benchmarks;

/// <summary>One footprint run: the child's peak working set (MB) and its first answer (ms from process start), medians.</summary>
public sealed record FootprintFigure(string Variant, double PeakWorkingSetMb, double FirstAnswerMs);
