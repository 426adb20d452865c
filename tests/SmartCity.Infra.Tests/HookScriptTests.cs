using System.Text;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

/// <summary>What the hook scripts' text must say, whatever shell reads them.</summary>
public partial class HookScriptTests
{
    [Theory]
    [InlineData("scripts/postdeploy-eventgrid.sh", 3)]
    [InlineData("scripts/postdeploy-eventgrid.ps1", 3)]
    [InlineData("scripts/preprovision-principal-type.sh", 1)]
    [InlineData("scripts/preprovision-principal-type.ps1", 1)]
    public void Every_az_command_in_a_hook_names_the_subscription(string script, int expectedCommands)
    {
        var commands = AzCommands(File.ReadAllText(Repository.PathOf(script.Split('/'))));

        Assert.Equal(expectedCommands, commands.Count);
        foreach (var command in commands)
        {
            Assert.True(NamesSubscription().IsMatch(command), $"{script}: no --subscription in: {command.Trim()}");
        }
    }

    [Fact]
    public void The_az_command_reader_finds_commands_split_over_lines_and_ignores_messages()
    {
        const string script = """
            # az login first
            key="$(az functionapp keys list \
              --name app --output tsv)"
            echo "error: az functionapp keys list failed" >&2
            echo "Sign az in (az login), then run azd again."
            $found = az rest --method post `
                --url $url
            if ! command -v az >/dev/null; then exit 1; fi
            az deployment group create --subscription "$sub" --name x
            """;

        var commands = AzCommands(script);

        Assert.Equal(3, commands.Count);
        Assert.Equal([false, false, true], commands.Select(c => NamesSubscription().IsMatch(c)));
    }

    [Theory]
    [InlineData("scripts/postdeploy-eventgrid.sh")]
    [InlineData("scripts/postdeploy-eventgrid.ps1")]
    public void Postdeploy_hook_documents_its_retry_settings(string script)
    {
        var text = File.ReadAllText(Repository.PathOf(script.Split('/')));

        Assert.Contains("#   POSTDEPLOY_KEY_ATTEMPTS", text, StringComparison.Ordinal);
        Assert.Contains("#   POSTDEPLOY_KEY_DELAY_SECONDS", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scripts/postdeploy-eventgrid.sh")]
    [InlineData("scripts/postdeploy-eventgrid.ps1")]
    [InlineData("scripts/preprovision-principal-type.sh")]
    [InlineData("scripts/preprovision-principal-type.ps1")]
    public void Hook_never_throws_azs_error_output_away(string script)
    {
        var text = File.ReadAllText(Repository.PathOf(script.Split('/')));

        foreach (var command in AzCommands(text))
        {
            Assert.DoesNotMatch(@"2>\s*(/dev/null|\$null)", command);
        }

        Assert.DoesNotContain("|| true", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The az invocations in a bash or PowerShell script, one string per command with its
    /// continuation lines (ending in \ or `) joined; comments and messages that merely mention
    /// az are not invocations.
    /// </summary>
    internal static IReadOnlyList<string> AzCommands(string script)
    {
        var commands = new List<string>();
        var current = new StringBuilder();
        foreach (var raw in script.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (current.Length == 0 && line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\') || line.EndsWith('`'))
            {
                current.Append(line[..^1]).Append(' ');
                continue;
            }

            current.Append(line);
            if (AzInvocation().IsMatch(current.ToString()))
            {
                commands.Add(current.ToString());
            }

            current.Clear();
        }

        return commands;
    }

    // az at the start of a command: a line, $( ... ), an assignment, a block, & or a pipe.
    [GeneratedRegex(@"(^|\$\(|[=&|;{])\s*az\s+[a-z]", RegexOptions.CultureInvariant)]
    private static partial Regex AzInvocation();

    [GeneratedRegex(@"\s--subscription\s+\S", RegexOptions.CultureInvariant)]
    private static partial Regex NamesSubscription();
}
