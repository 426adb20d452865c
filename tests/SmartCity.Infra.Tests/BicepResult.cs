using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

internal sealed partial record BicepResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Linter and compiler diagnostics at warning or error level, e.g. "main.bicep(3,7) : Warning no-unused-params: ...".</summary>
    public IReadOnlyList<string> Problems =>
        (Stdout + "\n" + Stderr)
            .Split('\n')
            .Where(line => ProblemLine().IsMatch(line))
            .Select(line => line.Trim())
            .ToList();

    [GeneratedRegex(@"\)\s*:\s*(Warning|Error)\s", RegexOptions.CultureInvariant)]
    private static partial Regex ProblemLine();
}
