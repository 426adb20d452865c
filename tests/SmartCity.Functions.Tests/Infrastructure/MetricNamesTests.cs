using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SmartCity.Cameras.Telemetry;
using SmartCity.Functions.Infrastructure;
using SmartCity.Functions.Training;
using SmartCity.Inference.Telemetry;

namespace SmartCity.Functions.Tests.Infrastructure;

/// <summary>The metric names the README documents and the Bicep's workbook and alerts query are the ones the app publishes.</summary>
public sealed partial class MetricNamesTests
{
    private static HashSet<string> Published()
    {
        foreach (var type in new[] { typeof(InferenceMetrics), typeof(CameraMetrics), typeof(TrainingJobMetrics) })
        {
            RuntimeHelpers.RunClassConstructor(type.TypeHandle);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (TelemetryExtensions.MeterNames.Contains(instrument.Meter.Name))
                {
                    lock (names)
                    {
                        names.Add(instrument.Name);
                    }
                }
            },
        };
        listener.Start();
        return names;
    }

    [Fact]
    public void The_README_metrics_table_lists_every_published_instrument()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var start = readme.IndexOf("\n### Metrics\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '### Metrics' section.");
        var end = readme.IndexOf("\n#", start + 2, StringComparison.Ordinal);
        var documented = TableName().Matches(readme[start..(end < 0 ? readme.Length : end)]).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Published().Order(), documented.Order());
    }

    [Fact]
    public void The_workbook_and_alerts_query_only_published_instruments()
    {
        var bicep = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "infra", "modules", "operations.bicep"));
        var queried = QueriedName().Matches(bicep).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(queried);
        Assert.Empty(queried.Except(Published()));
    }

    [GeneratedRegex(@"^\| `(?<name>smartcity\.[a-z.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableName();

    [GeneratedRegex(@"smartcity\.[a-z]+(\.[a-z]+)+")]
    private static partial Regex QueriedName();
}
