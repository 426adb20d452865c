namespace SmartCity.Cli.Tests;

/// <summary>Runs <c>smartcity</c> in-process with captured standard output and error (no progress bar), over the models beside the tests.</summary>
internal static class SmartCityRunner
{
    public static async Task<CommandLineResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await SmartCityCommandLine.RunAsync(args, new CommandConsole(output, error, showsProgress: false));
        return new CommandLineResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A committed sample: <c>tests/samples/&lt;relative&gt;</c> as copied beside the tests.</summary>
    public static string Sample(string relative) => Path.Combine(TestPaths.Samples, relative);
}
