namespace SmartCity.Benchmarks;

/// <summary>One measure of scenario 12: the 8-bit backbone's figure divided by the float one's.</summary>
public sealed record QuantizedFigure(string Measure, double Ratio);
