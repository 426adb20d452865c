namespace SmartCity.Benchmarks.Scenarios;

/// <summary>One measured scenario of the benchmark command.</summary>
public interface IBenchmarkScenario
{
    /// <summary>Short stable name (used by the test and the report's anchors).</summary>
    string Id { get; }

    string Title { get; }

    Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken);
}
