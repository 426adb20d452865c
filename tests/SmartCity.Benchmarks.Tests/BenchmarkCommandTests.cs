namespace SmartCity.Benchmarks.Tests;

/// <summary>
/// The benchmark command runs end to end in --quick mode and leaves a report and charts.
/// Nothing here looks at the figures: performance is read from the report, not asserted.
/// </summary>
public sealed class BenchmarkCommandTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "smartcity-bench-test-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public async Task Quick_run_writes_a_report_with_every_scenario_and_the_charts()
    {
        using var output = new StringWriter();

        var exitCode = await BenchmarkCommand.RunAsync(["--quick", "--out", _out], output);

        var printed = output.ToString();
        Assert.True(exitCode == 0, printed);
        var report = await File.ReadAllTextAsync(Path.Combine(_out, "report.md"));
        foreach (var scenario in BenchmarkCommand.Scenarios())
        {
            Assert.Contains(scenario.Title, printed, StringComparison.Ordinal);
            Assert.Contains("## " + scenario.Title, report, StringComparison.Ordinal);
        }

        // Scenario 12 compares the committed 8-bit backbone with the float one and states the verdict of issue 18's rule.
        Assert.Contains("Rule (issue 18): ", printed, StringComparison.Ordinal);
        foreach (var chart in new[] { ChartWriter.LatencyBreakdown, ChartWriter.ThroughputBatch, ChartWriter.ThroughputConcurrency, ChartWriter.ColdStart, ChartWriter.Quantized })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_out, chart));
            Assert.True(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']), $"{chart} is not a PNG");
            Assert.Contains($"]({chart})", report, StringComparison.Ordinal);
        }
    }
}
