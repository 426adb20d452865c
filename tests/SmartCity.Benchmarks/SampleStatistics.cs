namespace SmartCity.Benchmarks;

/// <summary>Order statistics of a set of samples (milliseconds, images per second, ...).</summary>
public sealed class SampleStatistics
{
    private readonly double[] _sorted;

    public SampleStatistics(IEnumerable<double> samples)
    {
        _sorted = [.. samples.Order()];
        if (_sorted.Length == 0)
        {
            throw new ArgumentException("A summary needs at least one sample.", nameof(samples));
        }
    }

    public int Count => _sorted.Length;

    public double Min => _sorted[0];

    public double Max => _sorted[^1];

    public double Median => Percentile(50);

    public double P25 => Percentile(25);

    public double P75 => Percentile(75);

    public double P95 => Percentile(95);

    public double P99 => Percentile(99);

    public double Mean => _sorted.Average();

    /// <summary>Linear interpolation between the closest ranks.</summary>
    public double Percentile(double p)
    {
        var rank = p / 100.0 * (_sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return _sorted[low] + ((_sorted[high] - _sorted[low]) * (rank - low));
    }

    /// <summary>"12.3 (11.9–12.8)": median with the interquartile range.</summary>
    public string MedianIqr(string format = "F1") =>
        $"{Median.ToString(format, ReportFormat.Culture)} ({P25.ToString(format, ReportFormat.Culture)}–{P75.ToString(format, ReportFormat.Culture)})";
}
