using System.Diagnostics;
using System.Text.Json;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 7. Cold start, each run in a fresh child process (this benchmark's own dll with
/// <c>--cold-child</c>): process start → ready (vehicle-type warmed up) → first answer, and the
/// session load of each model; with and without ONNX Runtime's optimised-model cache, and with
/// runtime (JIT) settings that change start-up.
/// </summary>
public sealed class ColdStartScenario : IBenchmarkScenario
{
    public string Id => "cold-start";

    public string Title => "7. Cold start (fresh child process per run)";

    /// <summary>One way to start; <paramref name="Version"/> is the vehicle-type version (null: the default, over the 8-bit backbone).</summary>
    /// <remarks><paramref name="FreshCache"/>: each run gets an empty cache folder of its own, as a new instance has.</remarks>
    private sealed record Variant(string Name, bool Cache, IReadOnlyDictionary<string, string> Environment, int Runs, string? Version = null, bool FreshCache = false);

    /// <summary>vehicle-type over the float backbone (resnet18-embedding/1), where the optimised-model cache has more to save.</summary>
    private const string FloatVersion = "1";

    public async Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["variant", "runs", "start→Main ms", "start→ready ms", "start→first answer ms", "session loads ms", "target ms", "target", "peak WS MB"],
            Memory = "each child's own Process.PeakWorkingSet64 (a fresh process, so a true peak)",
        };
        var runs = context.Quick ? 1 : 5;
        var none = new Dictionary<string, string>();
        List<Variant> variants =
        [
            new("no cache", false, none, runs),
            new("cache, first run (writes it)", true, none, runs, FreshCache: true),
            new("cache loaded", true, none, runs),
        ];
        if (!context.Quick)
        {
            variants.Add(new("cache + TieredPGO=0", true, new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" }, runs));
            variants.Add(new("cache + TC_QuickJitForLoops=0", true, new Dictionary<string, string> { ["DOTNET_TC_QuickJitForLoops"] = "0" }, runs));
            variants.Add(new("cache + TieredCompilation=0", true, new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }, runs));
            variants.Add(new("cache + ReadyToRun=0 (framework JIT'd)", true, new Dictionary<string, string> { ["DOTNET_ReadyToRun"] = "0" }, runs));
            variants.Add(new("float backbone, no cache", false, none, runs, FloatVersion));
            variants.Add(new("float backbone, cache, first run", true, none, runs, FloatVersion, FreshCache: true));
            variants.Add(new("float backbone, cache loaded", true, none, runs, FloatVersion));
        }

        // Raw ONNX Runtime, as an application without the engine would load the same files: one
        // start after each start of the two main variants, so the baseline sees the same load.
        var raws = new List<FootprintChild.Report>();
        Task<FootprintChild.Report> LaunchRawAsync() => FootprintScenario.LaunchAsync(context, FootprintChild.Argument, FootprintChild.Prefix, BenchmarkJsonContext.Default.FootprintReport, ["--stack", "raw", "--count", "1"], oneCore: null, cancellationToken);
        var cache = Path.Combine(Path.GetTempPath(), "smartcity-bench-ort-cache-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // The shared cache is written once (not measured) for the variants that load it; then
            // round robin over the variants, so each sees the same load.
            foreach (var version in variants.Where(v => v.Cache && !v.FreshCache).Select(v => v.Version).Distinct())
            {
                await LaunchAsync(context, cache, none, version, cancellationToken);
            }

            var all = variants.ToDictionary(v => v, _ => new List<ColdChild.Report>());
            for (var i = 0; i < variants.Max(v => v.Runs); i++)
            {
                foreach (var variant in variants.Where(v => v.Runs > i))
                {
                    var folder = variant.FreshCache ? cache + "-fresh" : variant.Cache ? cache : null;
                    all[variant].Add(await LaunchAsync(context, folder, variant.Environment, variant.Version, cancellationToken));
                    if (variant.FreshCache && Directory.Exists(folder))
                    {
                        Directory.Delete(folder, recursive: true);
                    }

                    if (variant.Name is "no cache" or "cache loaded")
                    {
                        raws.Add(await LaunchRawAsync());
                    }
                }
            }

            foreach (var variant in variants)
            {
                var reports = all[variant];

                var main = new SampleStatistics(reports.Select(r => r.MainMs));
                var ready = new SampleStatistics(reports.Select(r => r.ReadyMs));
                var first = new SampleStatistics(reports.Select(r => r.FirstAnswerMs));
                var loads = new SampleStatistics(reports.Select(r => r.Sessions.Values.Sum()));
                var target = (1.5 * loads.Median) + 300;
                figures.ColdStarts.Add(new ColdStartFigure(variant.Name, main.Median, ready.Median, first.Median, loads.Median));
                result.Row(
                    variant.Name,
                    variant.Runs.ToString(ReportFormat.Culture),
                    ReportFormat.F(main.Median, 0),
                    Range(ready),
                    Range(first),
                    string.Join(" + ", reports[0].Sessions.Keys.Select(k => $"{k.Split('/')[0]} {ReportFormat.F(new SampleStatistics(reports.Select(r => r.Sessions[k])).Median, 0)}")),
                    ReportFormat.F(target, 0),
                    first.Median <= target ? "met" : "missed",
                    ReportFormat.F(reports.Max(r => r.PeakWorkingSetMb), 0));
            }
        }
        finally
        {
            foreach (var folder in new[] { cache, cache + "-fresh" }.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        // The app's own start-up: a generic host with the engine as the function app registers it, warming both served models.
        var hostCache = Path.Combine(Path.GetTempPath(), "smartcity-bench-host-cache-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            foreach (var (label, folder) in new[] { ("app host → ready (no cache)", (string?)null), ("app host → ready (cache loaded)", hostCache) })
            {
                string[] arguments = folder is null ? ["--stack", "host", "--count", "1"] : ["--stack", "host", "--count", "1", "--cache", folder];
                if (folder is not null)
                {
                    // A first start writes the cache; the runs measured load it.
                    await FootprintScenario.LaunchAsync(context, FootprintChild.Argument, FootprintChild.Prefix, BenchmarkJsonContext.Default.FootprintReport, arguments, oneCore: null, cancellationToken);
                }

                var hosts = new List<FootprintChild.Report>();
                for (var i = 0; i < runs; i++)
                {
                    hosts.Add(await FootprintScenario.LaunchAsync(context, FootprintChild.Argument, FootprintChild.Prefix, BenchmarkJsonContext.Default.FootprintReport, arguments, oneCore: null, cancellationToken));
                }

                var hostReady = new SampleStatistics(hosts.Select(r => r.ReadyMs));
                var hostFirst = new SampleStatistics(hosts.Select(r => r.FirstAnswerMs));
                result.Row(label, runs.ToString(ReportFormat.Culture), "–", Range(hostReady), Range(hostFirst), "–", "–", "–", ReportFormat.F(hosts.Max(r => r.PeakWorkingSetMb), 0));
            }
        }
        finally
        {
            if (Directory.Exists(hostCache))
            {
                Directory.Delete(hostCache, recursive: true);
            }
        }

        var rawReady = new SampleStatistics(raws.Select(r => r.ReadyMs));
        var rawFirst = new SampleStatistics(raws.Select(r => r.FirstAnswerMs));
        figures.ColdStarts.Add(new ColdStartFigure("raw ONNX Runtime", 0, rawReady.Median, rawFirst.Median, 0));
        result.Row("raw ONNX Runtime", raws.Count.ToString(ReportFormat.Culture), "–", Range(rawReady), Range(rawFirst), "–", "–", "–", ReportFormat.F(raws.Max(r => r.PeakWorkingSetMb), 0));
        foreach (var figure in figures.ColdStarts.Where(f => f.Variant != "raw ONNX Runtime"))
        {
            result.Notes.Add($"{figure.Variant}: ready {ReportFormat.F(figure.ReadyMs / rawReady.Median, 2)}×, first answer {ReportFormat.F(figure.FirstAnswerMs / rawFirst.Median, 2)}× raw ONNX Runtime's.");
        }

        // What the optimised-model cache is worth: against starting without it, for each backbone.
        foreach (var prefix in new[] { string.Empty, "float backbone, " })
        {
            var without = figures.ColdStarts.FirstOrDefault(f => f.Variant == prefix + "no cache");
            var first = figures.ColdStarts.FirstOrDefault(f => f.Variant == prefix + (prefix.Length == 0 ? "cache, first run (writes it)" : "cache, first run"));
            var loaded = figures.ColdStarts.FirstOrDefault(f => f.Variant == prefix + "cache loaded");
            if (without is not null && first is not null && loaded is not null)
            {
                result.Notes.Add($"The cache, {(prefix.Length == 0 ? "8-bit backbone (the default)" : "float backbone")}: a start that writes it (a new instance) took {ReportFormat.F(first.ReadyMs / without.ReadyMs, 2)}× the time to ready of a start without it, a start that loads it (a restart on the same instance) {ReportFormat.F(loaded.ReadyMs / without.ReadyMs, 2)}×; session loads {ReportFormat.F(loaded.SessionLoadMs / without.SessionLoadMs, 2)}×.");
            }
        }

        result.Notes.Add("Start = a UTC timestamp the parent takes just before Process.Start (so it includes the dotnet host); ready = WarmUpAsync(vehicle-type) done (both sessions loaded, one item run); first answer = the first PredictAsync on a frame after that. Session loads are the engine's own 'Loaded ONNX session' timings. Median (min–max) over the runs.");
        result.Notes.Add("Target: first answer ≤ 1.5 × session loads + 300 ms. Cache = InferenceOptions.OptimizedModelCachePath: a first run (an empty folder of its own each run, as on a new instance) saves the optimised graph; cache loaded = a folder written once before the runs, loaded with graph optimisations off (a restart on the same instance).");
        result.Notes.Add("App host = a generic host with AddInferenceEngine (as the function app registers it) and Inference:WarmUpModels = vehicle-type,traffic-scene: options validated, model names checked, both models loaded and warmed in the background; ready when the engine reports ready (what /api/health/ready waits for). It leaves out the Functions host and its gRPC start, which only Azure (or func start) runs. Raw ONNX Runtime = the footprint child's raw stack (both files loaded as they are with default session options, one Run on zeros; first answer = decode + Run), started once after each start of no cache and of cache loaded, so its runs are spread over the same minutes.");
        result.Notes.Add("DOTNET_* variables are set for the child only. ReadyToRun publishing of the app's own assemblies is not measured here (ReadyToRun=0 shows what the framework's precompiled code is worth).");
        return result;
    }

    private static string Range(SampleStatistics s) => s.Count == 1 ? ReportFormat.F(s.Median, 0) : $"{ReportFormat.F(s.Median, 0)} ({ReportFormat.F(s.Min, 0)}–{ReportFormat.F(s.Max, 0)})";

    private static async Task<ColdChild.Report> LaunchAsync(BenchmarkContext context, string? cache, IReadOnlyDictionary<string, string> environment, string? version, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ColdStartScenario).Assembly.Location);
        start.ArgumentList.Add(ColdChild.Argument);
        start.ArgumentList.Add("--models");
        start.ArgumentList.Add(context.ModelsPath);
        start.ArgumentList.Add("--frame");
        start.ArgumentList.Add(Path.Combine(context.FramesFolder, context.Frames[0].Name));
        if (cache is not null)
        {
            start.ArgumentList.Add("--cache");
            start.ArgumentList.Add(cache);
        }

        if (version is not null)
        {
            start.ArgumentList.Add("--version");
            start.ArgumentList.Add(version);
        }

        foreach (var name in new[] { "DOTNET_TieredPGO", "DOTNET_TC_QuickJitForLoops", "DOTNET_TieredCompilation", "DOTNET_ReadyToRun" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add("--start-ticks");
        var startedAt = DateTime.UtcNow.Ticks;
        start.ArgumentList.Add(startedAt.ToString(ReportFormat.Culture));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the cold-start child.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ColdChild.Prefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The cold-start child failed (exit {process.ExitCode}): {await stderr}{output}");
        }

        return JsonSerializer.Deserialize(line[ColdChild.Prefix.Length..], BenchmarkJsonContext.Default.Report)
            ?? throw new InvalidOperationException("The cold-start child printed no report.");
    }

    /// <summary>The dotnet host that runs this process (so the child uses the same runtime).</summary>
    internal static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var besideRoot = root is null ? null : Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return besideRoot is not null && File.Exists(besideRoot) ? besideRoot : "dotnet";
    }
}
