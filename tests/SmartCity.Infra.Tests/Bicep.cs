using System.Diagnostics;
using System.Reflection;

namespace SmartCity.Infra.Tests;

/// <summary>Runs the Bicep CLI that restore placed in the NuGet package folder.</summary>
internal static partial class Bicep
{
    private static readonly Lazy<string> LazyExecutable = new(FindExecutable);

    public static string Executable => LazyExecutable.Value;

    /// <summary>Runs bicep with the given arguments and returns its exit code and combined output.</summary>
    public static BicepResult Run(params string[] arguments) => RunWithEnvironment(new Dictionary<string, string?>(), arguments);

    /// <summary>
    /// Runs bicep with some environment variables set (a value) or removed (null), e.g. the ones
    /// readEnvironmentVariable() in a .bicepparam file reads.
    /// </summary>
    public static BicepResult RunWithEnvironment(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry, no update checks: the machine may have no way out.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {Executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return new BicepResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Compiles a .bicep file and returns the ARM JSON; throws with the diagnostics if it fails.</summary>
    public static string Build(string bicepFile)
    {
        var result = Run("build", bicepFile, "--stdout");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build {bicepFile} failed:\n{result.Stderr}");
        }

        return result.Stdout;
    }

    private static string FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("BICEP_PATH");
        if (string.IsNullOrEmpty(path))
        {
            path = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "BicepPath").Value;
        }

        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"No bicep binary at '{path}'. Restore the test project (package Azure.Bicep.CommandLine.linux-x64) or set BICEP_PATH.");
        }

        if (!OperatingSystem.IsWindows())
        {
            // NuGet extracts the binary with the mode the package recorded, which is not always executable.
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | execute);
            }
        }

        return path;
    }
}
