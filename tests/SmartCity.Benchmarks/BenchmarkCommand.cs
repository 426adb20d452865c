using System.Diagnostics;
using SmartCity.Benchmarks.Scenarios;

namespace SmartCity.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/SmartCity.Benchmarks -- [--quick] [--out artifacts/bench] [--only id,id]</c> (ids or numbers: <c>--only 4,6</c> or <c>--only http,camera-pipeline</c>):
/// runs every scenario in this process (cold start in child processes), prints a table and
/// writes <c>report.md</c> and PNG charts to the output folder.
/// </summary>
public static class BenchmarkCommand
{
    public static IReadOnlyList<IBenchmarkScenario> Scenarios() =>
    [
        new PreprocessingScenario(),
        new RawOnnxScenario(),
        new EngineLatencyScenario(),
        new HttpFunctionsScenario(),
        new ThroughputScenario(),
        new CameraPipelineScenario(),
        new ColdStartScenario(),
        new DecodeBombsScenario(),
        new SoakScenario(),
        new ExplanationCostScenario(),
        new FootprintScenario(),
        new QuantizedBackboneScenario(),
        new ReclassifyScenario(),
    ];

    /// <summary>The scenario's number, the title's prefix ("4" of "4. HTTP ..."), which <c>--only</c> also accepts.</summary>
    public static string Number(IBenchmarkScenario scenario) => scenario.Title.Split('.', 2)[0];

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (args.Contains(ColdChild.Argument))
        {
            return await ColdChild.RunAsync(args, output);
        }

        if (args.Contains(FootprintChild.Argument))
        {
            return await FootprintChild.RunAsync(args, output);
        }

        var quick = args.Contains("--quick");
        var outIndex = Array.IndexOf(args, "--out");
        var root = BenchmarkContext.FindRepositoryRoot(AppContext.BaseDirectory) ?? BenchmarkContext.FindRepositoryRoot(Environment.CurrentDirectory);
        if (root is null)
        {
            await Console.Error.WriteLineAsync("Cannot find the repository root (SmartCity.Serverless.sln) above the benchmark or the current folder.");
            return 2;
        }

        var outFolder = Path.GetFullPath(outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine(root, "artifacts", "bench"));
        var modelsPath = Path.Combine(AppContext.BaseDirectory, "models");
        var framesFolder = BenchmarkContext.FindFramesFolder(root);
        var frames = BenchmarkContext.LoadFrames(framesFolder, quick ? 2 : 16);
        if (frames.Count == 0)
        {
            await Console.Error.WriteLineAsync($"No frames (*.jpg) in {framesFolder}.");
            return 2;
        }

        Directory.CreateDirectory(outFolder);
        var context = new BenchmarkContext(root, modelsPath, framesFolder, frames, quick, outFolder);
        var machine = MachineInfo.Current();
        var loadBefore = machine.LoadAverage;
        await output.WriteLineAsync($"SmartCity benchmark{(quick ? " (quick)" : "")}: {machine.Cores} cores, {machine.Cpu}, {machine.Os}, {machine.DotNet}, ONNX Runtime {machine.OnnxRuntime}; load average {loadBefore}");
        await output.WriteLineAsync($"Frames: {frames.Count} from {framesFolder}");

        var figures = new BenchmarkFigures();
        var results = new List<ScenarioResult>();
        var total = Stopwatch.StartNew();
        var onlyIndex = Array.IndexOf(args, "--only");
        var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1].Split(',', StringSplitOptions.TrimEntries) : null;
        foreach (var scenario in Scenarios().Where(s => only is null || only.Contains(s.Id) || only.Contains(Number(s))))
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"== {scenario.Title}");
            var started = Stopwatch.GetTimestamp();
            ScenarioResult result;
            var sampler = new MemorySampler();
            await using (sampler)
            {
                result = await scenario.RunAsync(context, figures, cancellationToken);
            }

            result.Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (result.Skipped is null)
            {
                result.Memory ??= $"working set sampled every 20 ms in this process: {ReportFormat.F(sampler.BaselineBytes / 1048576.0, 0)} MB at start, peak {ReportFormat.F(sampler.PeakBytes / 1048576.0, 0)} MB (+{ReportFormat.F((sampler.PeakBytes - sampler.BaselineBytes) / 1048576.0, 0)} MB)";
            }

            results.Add(result);
            await ReportWriter.WriteTextAsync(output, result);
        }

        var loadAfter = MachineInfo.LoadAverageNow();
        var charts = ChartWriter.Write(figures, outFolder, output);
        var reportPath = Path.Combine(outFolder, "report.md");
        await File.WriteAllTextAsync(reportPath, ReportWriter.Markdown(machine with { LoadAverage = $"{loadBefore} at start, {loadAfter} at end" }, context, results, charts, total.Elapsed), cancellationToken);
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Load average at end: {loadAfter}. Took {total.Elapsed.TotalSeconds:F0} s. Report: {reportPath}");
        return 0;
    }
}
