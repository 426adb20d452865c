namespace SmartCity.Benchmarks;

/// <summary>One cold-start variant: medians over its runs (ms).</summary>
public sealed record ColdStartFigure(string Variant, double MainMs, double ReadyMs, double FirstAnswerMs, double SessionLoadMs);
