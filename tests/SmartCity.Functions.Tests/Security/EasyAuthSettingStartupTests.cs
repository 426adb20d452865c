using System.Text.Json;
using SmartCity.Functions.Tests.Startup;

namespace SmartCity.Functions.Tests.Security;

/// <summary>The built app started as the host starts it: an EasyAuth__Enabled that is not a boolean stops it, naming the key.</summary>
public sealed class EasyAuthSettingStartupTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_Easy_Auth_setting_that_is_not_a_boolean_stops_the_app_naming_it()
    {
        var settings = LocalSampleSettings();
        settings["EasyAuth__Enabled"] = "yes";

        await using var host = await FakeFunctionsHost.StartAsync();
        host.StartWorker(AppDirectory, settings);
        var result = await host.WaitForFunctionsLoadedAsync(StartTimeout);

        Assert.False(result.AllLoaded && result.ExitCode is null, "The app started with EasyAuth__Enabled=yes.");
        var said = host.Output + string.Join('\n', host.Logs.Select(l => l.Message + l.Exception?.Message));
        Assert.Contains("EasyAuth:Enabled", said, StringComparison.Ordinal);
    }

    private static string AppDirectory
    {
        get
        {
            var configuration = new DirectoryInfo(TestPaths.Output).Parent!.Name; // bin/<Configuration>/net10.0
            return Path.Combine(TestPaths.RepositoryRoot, "functions", "SmartCity.Functions", "bin", configuration, "net10.0");
        }
    }

    private static Dictionary<string, string> LocalSampleSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
    }
}
