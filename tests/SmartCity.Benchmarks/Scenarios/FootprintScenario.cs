using System.Diagnostics;
using System.Text.Json;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 11. Footprint: peak resident memory, start-up and speed of the engine against raw ONNX
/// Runtime, each in a fresh child process (<see cref="FootprintChild"/>) serving vehicle-type:
/// every frame one at a time, then with 16 concurrent callers; the engine with its defaults and
/// with ONNX Runtime's arena and memory pattern off (the defaults have them on); and, where <c>taskset</c> exists, pinned to
/// one core (<c>taskset -c 0</c> and <c>DOTNET_PROCESSOR_COUNT=1</c>). Runs alternate between
/// the stacks so both see the same load; ratios are engine / raw of the same cores and callers.
/// </summary>
public sealed class FootprintScenario : IBenchmarkScenario
{
    public string Id => "footprint";

    public string Title => "11. Footprint: engine vs raw ONNX Runtime (fresh child process per run)";

    private sealed record Variant(string Stack, string Label, int Callers, bool OneCore, string[] Arguments);

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["stack", "cores", "callers", "images", "peak WS MB", "× raw", "ready ms", "first answer ms", "× raw", "ms per image", "images/s", "× raw"],
            Memory = "each child's own Process.PeakWorkingSet64 (VmHWM of a fresh process: load, first answer and every frame)",
        };
        var images = context.Quick ? 6 : Directory.EnumerateFiles(context.FramesFolder, "*.jpg").Count();
        var repeats = 1;
        var oneCore = !context.Quick && File.Exists("/usr/bin/taskset");
        var callers = context.Quick ? new[] { 1, 4 } : [1, 16];
        var variants = new List<Variant>();
        foreach (var c in callers)
        {
            variants.Add(new("raw", "raw ONNX Runtime", c, false, []));
            variants.Add(new("engine", "engine (defaults)", c, false, []));
            if (!context.Quick)
            {
                variants.Add(new("engine", "engine, arena + memory pattern off", c, false, ["--arena", "0", "--pattern", "0"]));
            }
        }

        if (oneCore)
        {
            foreach (var c in callers)
            {
                variants.Add(new("raw", "raw ONNX Runtime", c, true, []));
                variants.Add(new("engine", "engine (defaults)", c, true, []));
            }
        }

        var reports = variants.ToDictionary(v => v, _ => new List<FootprintChild.Report>());
        for (var r = 0; r < repeats; r++)
        {
            foreach (var variant in variants)
            {
                string[] arguments = ["--stack", variant.Stack, "--callers", variant.Callers.ToString(ReportFormat.Culture), "--count", images.ToString(ReportFormat.Culture), .. variant.Arguments];
                reports[variant].Add(await LaunchAsync<FootprintChild.Report>(context, FootprintChild.Argument, FootprintChild.Prefix, BenchmarkJsonContext.Default.FootprintReport, arguments, variant.OneCore, cancellationToken));
            }
        }

        foreach (var variant in variants)
        {
            var runs = reports[variant];
            var raw = reports[variants.First(v => v.Stack == "raw" && v.Callers == variant.Callers && v.OneCore == variant.OneCore)];
            var peak = Median(runs, x => x.PeakWorkingSetMb);
            var first = Median(runs, x => x.FirstAnswerMs);
            var rate = Median(runs, x => x.ImagesPerSecond);
            var isRaw = variant.Stack == "raw";
            result.Row(
                variant.Label,
                runs[0].ProcessorCount.ToString(ReportFormat.Culture),
                variant.Callers.ToString(ReportFormat.Culture),
                runs[0].Images.ToString(ReportFormat.Culture),
                ReportFormat.F(peak, 0),
                isRaw ? "1" : ReportFormat.F(peak / Median(raw, x => x.PeakWorkingSetMb), 2),
                ReportFormat.F(Median(runs, x => x.ReadyMs), 0),
                ReportFormat.F(first, 0),
                isRaw ? "1" : ReportFormat.F(first / Median(raw, x => x.FirstAnswerMs), 2),
                variant.Callers == 1 ? ReportFormat.F(Median(runs, x => x.MsPerImage), 1) : "–",
                ReportFormat.F(rate, 1),
                isRaw ? "1" : ReportFormat.F(rate / Median(raw, x => x.ImagesPerSecond), 2));
            figures.Footprints.Add(new FootprintFigure($"{variant.Label}, {runs[0].ProcessorCount} core(s), {variant.Callers} caller(s)", peak, first));
        }

        result.Notes.Add($"Each row: {repeats} fresh child process. A child loads vehicle-type (the engine: WarmUpAsync; raw: both sessions created with ONNX Runtime's default options from the files as they are, batch fixed at 1, and one Run on zeros), answers the first frame, then answers {images} frame(s) read from disk with the given concurrent callers. Ready and first answer are from just before Process.Start. The engine runs with the optimised-model cache off (a first start on a fresh instance); scenario 7 measures the cache.");
        result.Notes.Add("Raw ONNX Runtime has no batcher: its callers run concurrent batch-1 Runs of the same sessions. The engine's 16 callers share batches of up to Inference:MaxBatchSize (16).");
        if (oneCore)
        {
            result.Notes.Add("Cores 1 = the child started under `taskset -c 0` with DOTNET_PROCESSOR_COUNT=1, so Environment.ProcessorCount and the engine's default IntraOpThreads are 1 (raw ONNX Runtime picks its own thread count).");
        }

        return result;
    }

    private static double Median(List<FootprintChild.Report> runs, Func<FootprintChild.Report, double> value) => new SampleStatistics(runs.Select(value)).Median;

    /// <summary>Starts this benchmark's dll as a child with <paramref name="childArgument"/>, waits, and reads the line after <paramref name="prefix"/>.</summary>
    internal static async Task<T> LaunchAsync<T>(BenchmarkContext context, string childArgument, string prefix, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, IEnumerable<string> arguments, bool oneCore, CancellationToken cancellationToken)
    {
        var host = ColdStartScenario.DotnetHost();
        var start = new ProcessStartInfo(oneCore ? "/usr/bin/taskset" : host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (oneCore)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("0");
            start.ArgumentList.Add(host);
            start.Environment["DOTNET_PROCESSOR_COUNT"] = "1";
        }
        else
        {
            start.Environment.Remove("DOTNET_PROCESSOR_COUNT");
        }

        start.ArgumentList.Add(typeof(FootprintScenario).Assembly.Location);
        start.ArgumentList.Add(childArgument);
        start.ArgumentList.Add("--models");
        start.ArgumentList.Add(context.ModelsPath);
        start.ArgumentList.Add("--frames");
        start.ArgumentList.Add(context.FramesFolder);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--start-ticks");
        start.ArgumentList.Add(DateTime.UtcNow.Ticks.ToString(ReportFormat.Culture));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the footprint child.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The child failed (exit {process.ExitCode}): {await stderr}{output}");
        }

        return JsonSerializer.Deserialize(line[prefix.Length..], type) ?? throw new InvalidOperationException("The child printed no report.");
    }
}
