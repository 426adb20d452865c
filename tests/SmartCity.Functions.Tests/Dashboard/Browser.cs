using Microsoft.Playwright;

namespace SmartCity.Functions.Tests.Dashboard;

/// <summary>
/// Chromium from the distribution's packages, driven by Playwright (never Playwright's own browser
/// download). <c>SMARTCITY_CHROMIUM</c> names the executable (CI sets it, and then a browser that
/// cannot start fails the tests); without it <c>/usr/bin/chromium</c> is used when present, and the
/// browser tests are skipped when there is none.
/// </summary>
internal static class Browser
{
    public const string Variable = "SMARTCITY_CHROMIUM";

    public const string SkipMessage = "No Chromium: install the distribution's package (apt-get install chromium) or set SMARTCITY_CHROMIUM to run the dashboard's browser tests.";

    /// <summary>The executable to drive, or null when there is none (and none was asked for).</summary>
    public static string? Executable
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured;
            }

            return File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
        }
    }

    /// <summary>Whether a browser was asked for explicitly: then failing to start it is a failure, not a skip.</summary>
    public static bool Required => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable));

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(string executable)
    {
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        try
        {
            // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
            return (playwright, browser);
        }
        catch (Exception exception)
        {
            playwright.Dispose();
            throw new InvalidOperationException($"Chromium at {executable} did not start ({Variable}={Environment.GetEnvironmentVariable(Variable) ?? "(unset)"}): {exception.Message}", exception);
        }
    }

    /// <summary>Where the screenshots go: <c>SMARTCITY_SCREENSHOTS</c> when set, else <c>dashboard-screenshots</c> beside the test assembly.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable("SMARTCITY_SCREENSHOTS") is { Length: > 0 } configured
                ? configured
                : Path.Combine(TestPaths.Output, "dashboard-screenshots");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }
}
