using System.Text.Json;
using SmartCity.Functions.Tests.Startup.Rpc;

namespace SmartCity.Functions.Tests.Startup;

/// <summary>
/// Starts the built function app the way the Functions host does (a separate process, gRPC
/// stream, init, worker indexing, function load) with the settings it gets locally and in
/// Azure. In-process tests build services one by one and never run <c>Program</c>, so a
/// start-up failure (a package that does not load with telemetry on, a setting that fails
/// validation) shows only here.
/// </summary>
public sealed class WorkerStartupTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The built app: beside the Functions project, in the configuration the tests were built in.</summary>
    private static string AppDirectory
    {
        get
        {
            var configuration = new DirectoryInfo(TestPaths.Output).Parent!.Name; // bin/<Configuration>/net10.0
            return Path.Combine(TestPaths.RepositoryRoot, "functions", "SmartCity.Functions", "bin", configuration, "net10.0");
        }
    }

    private static readonly string IngestionEndpoint = "http://127.0.0.1:9/";

    [Fact]
    public async Task The_app_starts_and_loads_every_function_with_the_local_sample_settings_and_telemetry_on()
    {
        var settings = LocalSampleSettings();
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = Fill("InstrumentationKey={zero};IngestionEndpoint={ingestion};LiveEndpoint={ingestion}");
        settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = Fill("ClientId={zero};Authorization=AAD");

        await AssertStartsAndLoadsEveryFunction(settings);
    }

    [Fact]
    public async Task The_app_starts_and_loads_every_function_with_the_settings_Azure_gives_it()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Output, "Startup", "azure-app-settings.json")));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in new[] { "appSettings", "platform" })
        {
            foreach (var setting in document.RootElement.GetProperty(section).EnumerateObject())
            {
                settings[setting.Name] = Fill(setting.Value.GetString()!);
            }
        }

        Assert.DoesNotContain(settings.Keys, k => k is "AzureWebJobsStorage" or "CameraStorage");
        await AssertStartsAndLoadsEveryFunction(settings);
    }

    [Theory]
    [InlineData("Inference__MaxBatchSize", "0", "MaxBatchSize")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Authorization=Key", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "ClientId=not-a-guid;Authorization=AAD", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING")]
    public async Task A_setting_that_cannot_work_stops_the_app_with_a_message_naming_it(string key, string value, string named)
    {
        var settings = LocalSampleSettings();
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = Fill("InstrumentationKey={zero};IngestionEndpoint={ingestion};LiveEndpoint={ingestion}");
        settings[key] = value;

        await using var host = await FakeFunctionsHost.StartAsync();
        host.StartWorker(AppDirectory, settings);
        var result = await host.WaitForFunctionsLoadedAsync(StartTimeout);

        Assert.False(result.AllLoaded && result.ExitCode is null, $"The app started with {key}={value}.");
        var said = host.Output + string.Join('\n', host.Logs.Select(l => l.Message + l.Exception?.Message));
        Assert.Contains(named, said, StringComparison.Ordinal);
    }

    private static async Task AssertStartsAndLoadsEveryFunction(Dictionary<string, string> settings)
    {
        Assert.True(File.Exists(Path.Combine(AppDirectory, "SmartCity.Functions.dll")), $"The app is not built in {AppDirectory}: build the solution first.");
        await using var host = await FakeFunctionsHost.StartAsync();
        host.StartWorker(AppDirectory, settings);
        var result = await host.WaitForFunctionsLoadedAsync(StartTimeout);

        var diagnostics = $"exit code {result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(running)"}\n--- worker output ---\n{host.Output}\n--- worker logs ---\n"
            + string.Join('\n', host.Logs.Select(l => $"{l.Level} {l.Category}: {l.Message} {l.Exception?.Message}"));
        Assert.True(result.ExitCode is null, $"The worker exited during start-up.\n{diagnostics}");
        Assert.True(result.Init?.Result?.Status == StatusResult.Types.Status.Success, $"Worker init did not succeed: {result.Init?.Result}\n{diagnostics}");
        Assert.True(result.Metadata?.Result?.Status == StatusResult.Types.Status.Success, $"Function indexing failed: {result.Metadata?.Result}\n{diagnostics}");
        Assert.True(result.AllLoaded, $"Not every function answered its load request.\n{diagnostics}");

        var indexed = result.Metadata!.FunctionMetadataResults.Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(GeneratedFunctionNames(), indexed);
        var failedLoads = result.Loads.Where(l => l.Result.Status != StatusResult.Types.Status.Success).ToList();
        Assert.True(failedLoads.Count == 0, $"{failedLoads.Count} functions failed to load; the first: {failedLoads.FirstOrDefault()?.Result.Exception?.Message}");
        Assert.DoesNotContain(host.Logs, l => l.Level >= RpcLog.Types.Level.Error);

        // Ready: the background warm-up of every Inference__WarmUpModels model finished.
        foreach (var model in settings["Inference__WarmUpModels"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Assert.True(await host.WaitForLogAsync(l => l.Message.StartsWith($"Warmed up {model}/", StringComparison.Ordinal), StartTimeout), $"No warm-up of {model}.\n{diagnostics}");
        }

        Assert.DoesNotContain(host.Logs, l => l.Level >= RpcLog.Types.Level.Error);
        Assert.Equal("True", result.Init!.Capabilities.GetValueOrDefault("WorkerApplicationInsightsLoggingEnabled"));
    }

    [Fact]
    public void The_app_runs_with_the_measured_gc_setting()
    {
        // The footprint figures in the README are measured with it (Directory.Build.targets).
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppDirectory, "SmartCity.Functions.runtimeconfig.json")));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Equal(5, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
    }

    /// <summary>Every function in the <c>functions.metadata</c> the Worker SDK generated for the app.</summary>
    private static List<string> GeneratedFunctionNames()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppDirectory, "functions.metadata")));
        return [.. document.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>The <c>Values</c> of local.settings.sample.json, as Core Tools hands them to the worker.</summary>
    private static Dictionary<string, string> LocalSampleSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
    }

    private static string Fill(string value) =>
        value.Replace("{zero}", Guid.Empty.ToString(), StringComparison.Ordinal).Replace("{ingestion}", IngestionEndpoint, StringComparison.Ordinal);
}
