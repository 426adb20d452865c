namespace SmartCity.Cli.Tests;

/// <summary>What one in-process run of <c>smartcity</c> returned and printed.</summary>
public sealed record CommandLineResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
