using System.Reflection;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 4. HTTP in-process: the native predict and the v2 (KServe) infer functions called through
/// their classes with a real <c>DefaultHttpContext</c>, ratio to the engine call. The function
/// classes live in SmartCity.Functions (functions/SmartCity.Functions/Http); until this project
/// references them the scenario reports itself skipped rather than measuring something else.
/// </summary>
public sealed class HttpFunctionsScenario : IBenchmarkScenario
{
    public const string NotPresent = "skipped: HTTP functions not present";

    public string Id => "http";

    public string Title => "4. HTTP in-process (native predict, v2 infer)";

    public Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var functions = FindFunctionsAssembly();
        if (functions is null)
        {
            var sources = Path.Combine(context.RepositoryRoot, "functions", "SmartCity.Functions", "Http");
            var hasSources = Directory.Exists(sources) && Directory.EnumerateFiles(sources, "*Function*.cs").Any();
            return Task.FromResult(ScenarioResult.Skip(Id, Title, hasSources
                ? NotPresent + " in this build (sources exist under functions/SmartCity.Functions/Http: reference SmartCity.Functions from the benchmark project and wire them here)"
                : NotPresent));
        }

        return Task.FromResult(ScenarioResult.Skip(Id, Title, NotPresent + $" (assembly {functions.GetName().Name} is loaded but the scenario is not wired yet)"));
    }

    private static Assembly? FindFunctionsAssembly()
    {
        try
        {
            return Assembly.Load(new AssemblyName("SmartCity.Functions"));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
