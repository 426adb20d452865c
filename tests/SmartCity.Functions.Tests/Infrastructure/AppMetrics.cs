using OpenTelemetry;
using OpenTelemetry.Metrics;
using SmartCity.Functions.Infrastructure;

namespace SmartCity.Functions.Tests.Infrastructure;

/// <summary>
/// The app's meters (<see cref="TelemetryExtensions.MeterNames"/>) read by OpenTelemetry's
/// in-memory exporter: what the Azure Monitor exporter would be handed, from the moment this
/// was made. <see cref="Collect"/> flushes and keeps the latest snapshot of every instrument.
/// </summary>
internal sealed class AppMetrics : IDisposable
{
    private readonly List<MetricSnapshot> _exported = [];
    private readonly MeterProvider _provider;

    public AppMetrics() =>
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter([.. TelemetryExtensions.MeterNames])
            .AddInMemoryExporter(_exported)
            .Build();

    public void Collect()
    {
        _exported.Clear();
        Assert.True(_provider.ForceFlush(10_000), "The metrics were not flushed.");
    }

    /// <summary>The counter's total over its points whose tags include <paramref name="tags"/>.</summary>
    public long Count(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetSumLong());

    /// <summary>How many values the histogram recorded, and their sum, over its points whose tags include <paramref name="tags"/>.</summary>
    public (long Count, double Sum) Histogram(string name, params (string Key, object Value)[] tags)
    {
        var points = Points(name, tags).ToList();
        return (points.Sum(p => p.GetHistogramCount()), points.Sum(p => p.GetHistogramSum()));
    }

    public IReadOnlySet<string> Names => _exported.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    private IEnumerable<MetricPoint> Points(string name, (string Key, object Value)[] tags)
    {
        var snapshot = _exported.LastOrDefault(s => s.Name == name);
        return snapshot is null ? [] : snapshot.MetricPoints.Where(point => tags.All(tag => Has(point, tag)));
    }

    private static bool Has(MetricPoint point, (string Key, object Value) tag)
    {
        foreach (var pair in point.Tags)
        {
            if (pair.Key == tag.Key && Equals(pair.Value, tag.Value))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => _provider.Dispose();
}
