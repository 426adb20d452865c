using System.Diagnostics;
using System.Text.Json;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 11. Footprint: peak resident memory, start-up and speed of the engine against raw ONNX
/// Runtime, each in a fresh child process (<see cref="FootprintChild"/>) serving vehicle-type:
/// every frame one at a time, then with 16 concurrent callers; the engine with its defaults and
/// with ONNX Runtime's arena and memory pattern off (the defaults have them on); and held to one
/// core (<see cref="OneCore"/>: a cpuset cgroup where it can be made, else <c>taskset</c>; with
/// <c>DOTNET_PROCESSOR_COUNT=1</c>), where raw ONNX Runtime runs twice: with its default thread
/// count and with one intra-op thread (what it picks on a machine that has one core). Runs
/// alternate between the stacks so both see the same load; ratios are engine / raw (defaults) of
/// the same cores and callers.
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
            Columns = ["stack", "cores", "callers", "images", "peak WS MB", "× raw", "ready ms", "first answer ms", "× raw", "ms per image", "images/s", "× raw", "CPU ms per image", "cores used"],
            Memory = "each child's own Process.PeakWorkingSet64 (VmHWM of a fresh process: load, first answer and every frame)",
        };
        var images = context.Quick ? 6 : Directory.EnumerateFiles(context.FramesFolder, "*.jpg").Count();
        var repeats = 1;
        using var oneCore = context.Quick ? null : OneCore.Create();
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

        if (oneCore is not null)
        {
            foreach (var c in callers)
            {
                variants.Add(new("raw", "raw ONNX Runtime", c, true, []));
                variants.Add(new("raw", "raw ONNX Runtime, 1 intra-op thread", c, true, ["--raw-threads", "1"]));
                variants.Add(new("engine", "engine (defaults)", c, true, []));
            }
        }

        var reports = variants.ToDictionary(v => v, _ => new List<FootprintChild.Report>());
        for (var r = 0; r < repeats; r++)
        {
            foreach (var variant in variants)
            {
                string[] arguments = ["--stack", variant.Stack, "--callers", variant.Callers.ToString(ReportFormat.Culture), "--count", images.ToString(ReportFormat.Culture), .. variant.Arguments];
                reports[variant].Add(await LaunchAsync<FootprintChild.Report>(context, FootprintChild.Argument, FootprintChild.Prefix, BenchmarkJsonContext.Default.FootprintReport, arguments, variant.OneCore ? oneCore : null, cancellationToken));
            }
        }

        foreach (var variant in variants)
        {
            var runs = reports[variant];
            var raw = reports[variants.First(v => v.Stack == "raw" && v.Callers == variant.Callers && v.OneCore == variant.OneCore)];
            var peak = Median(runs, x => x.PeakWorkingSetMb);
            var first = Median(runs, x => x.FirstAnswerMs);
            var rate = Median(runs, x => x.ImagesPerSecond);
            var isRaw = variant == variants.First(v => v.Stack == "raw" && v.Callers == variant.Callers && v.OneCore == variant.OneCore);
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
                isRaw ? "1" : ReportFormat.F(rate / Median(raw, x => x.ImagesPerSecond), 2),
                ReportFormat.F(Median(runs, x => x.CpuMsPerImage), 1),
                ReportFormat.F(Median(runs, x => x.CoresUsed), 2));
            figures.Footprints.Add(new FootprintFigure($"{variant.Label}, {runs[0].ProcessorCount} core(s), {variant.Callers} caller(s)", peak, first));
        }

        result.Notes.Add($"Each row: {repeats} fresh child process. A child loads vehicle-type (the engine: WarmUpAsync; raw: both sessions created with ONNX Runtime's default options from the files as they are, batch fixed at 1, and one Run on zeros), answers the first frame, then answers {images} frame(s) read from disk with the given concurrent callers. Ready and first answer are from just before Process.Start. The engine runs with the optimised-model cache off (a first start on a fresh instance); scenario 7 measures the cache.");
        result.Notes.Add("Raw ONNX Runtime has no batcher: its callers run concurrent batch-1 Runs of the same sessions. The engine's 16 callers share batches of up to Inference:MaxBatchSize (16).");
        result.Notes.Add("CPU ms per image = the child's CPU time (user + system) over the frames, per frame; cores used = that CPU time over the wall time of the frames.");
        if (oneCore is not null)
        {
            result.Notes.Add($"Cores 1 = the child held to one core by a {oneCore.Method} with DOTNET_PROCESSOR_COUNT=1, so Environment.ProcessorCount and the engine's default IntraOpThreads are 1. Raw ONNX Runtime with its defaults counts the machine's physical cores, not the ones it is given, and starts that many intra-op threads; under taskset it pins them to other cores (and uses more than one core), in a cpuset cgroup that fails and they share the one core. Raw with 1 intra-op thread is what ONNX Runtime picks on a machine that has one core.");
            foreach (var c in callers)
            {
                var single = reports[variants.First(v => v.OneCore && v.Callers == c && v.Arguments.Length > 0 && v.Stack == "raw")];
                var engine = reports[variants.First(v => v.OneCore && v.Callers == c && v.Stack == "engine")];
                result.Notes.Add($"One core, {c} caller(s): engine against raw with 1 intra-op thread: peak {ReportFormat.F(Median(engine, x => x.PeakWorkingSetMb) / Median(single, x => x.PeakWorkingSetMb), 2)}×, first answer {ReportFormat.F(Median(engine, x => x.FirstAnswerMs) / Median(single, x => x.FirstAnswerMs), 2)}×, images/s {ReportFormat.F(Median(engine, x => x.ImagesPerSecond) / Median(single, x => x.ImagesPerSecond), 2)}×.");
            }
        }

        return result;
    }

    private static double Median(List<FootprintChild.Report> runs, Func<FootprintChild.Report, double> value) => new SampleStatistics(runs.Select(value)).Median;

    /// <summary>Starts this benchmark's dll as a child with <paramref name="childArgument"/>, waits, and reads the line after <paramref name="prefix"/>.</summary>
    internal static async Task<T> LaunchAsync<T>(BenchmarkContext context, string childArgument, string prefix, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, IEnumerable<string> arguments, OneCore? oneCore, CancellationToken cancellationToken)
    {
        var host = ColdStartScenario.DotnetHost();
        var start = oneCore?.Start(host) ?? new ProcessStartInfo(host);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        if (oneCore is null)
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
