using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

[Collection(CompiledTemplatesDefinition.Name)]
public partial class AzdProjectTests(CompiledTemplates compiled)
{
    private static readonly Lazy<string> AzureYaml = new(() => File.ReadAllText(Repository.PathOf("azure.yaml")));

    /// <summary>
    /// Values azd itself keeps in the environment and passes to hooks, rather than main.bicep's
    /// outputs: the subscription chosen for the environment.
    /// </summary>
    private static readonly HashSet<string> AzdOwnValues = ["AZURE_SUBSCRIPTION_ID"];

    [Theory]
    [InlineData(@"^name:\s*smartcity-serverless\s*$")]
    [InlineData(@"^\s{2}api:\s*$")]
    [InlineData(@"^\s+project:\s*\./functions/SmartCity\.Functions\s*$")]
    [InlineData(@"^\s+language:\s*dotnet\s*$")]
    [InlineData(@"^\s+host:\s*function\s*$")]
    [InlineData(@"^\s{2}preprovision:\s*$")]
    [InlineData(@"^\s{2}postdeploy:\s*$")]
    public void Azure_yaml_declares(string pattern)
    {
        Assert.Matches(new Regex(pattern, RegexOptions.Multiline | RegexOptions.CultureInvariant), AzureYaml.Value);
    }

    [Theory]
    [InlineData("preprovision", "posix", "sh", "./scripts/preprovision-principal-type.sh")]
    [InlineData("preprovision", "windows", "pwsh", "./scripts/preprovision-principal-type.ps1")]
    [InlineData("postdeploy", "posix", "sh", "./scripts/postdeploy-eventgrid.sh")]
    [InlineData("postdeploy", "windows", "pwsh", "./scripts/postdeploy-eventgrid.ps1")]
    public void Hook_runs_an_existing_script(string hook, string platform, string shell, string script)
    {
        var hookBlock = IndentedBlock(AzureYaml.Value, hook, indent: 2);
        Assert.True(hookBlock is not null, $"No {hook} hook in azure.yaml.");
        var block = IndentedBlock(hookBlock, platform, indent: 4);
        Assert.True(block is not null, $"No {platform} entry in the {hook} hook of azure.yaml.");

        Assert.Matches($@"shell:\s*{shell}\b", block);
        Assert.Contains($"run: {script}", block, StringComparison.Ordinal);
        Assert.Matches(@"continueOnError:\s*false\b", block);
        Assert.True(File.Exists(Repository.PathOf(script.Split('/'))), $"{script} does not exist.");
    }

    [Theory]
    [InlineData("scripts/postdeploy-eventgrid.sh")]
    [InlineData("scripts/postdeploy-eventgrid.ps1")]
    public void Hook_reads_the_key_and_deploys_the_event_grid_template(string script)
    {
        var text = File.ReadAllText(Repository.PathOf(script.Split('/')));

        Assert.Contains("az functionapp keys list", text, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension", text, StringComparison.Ordinal);
        Assert.Contains("az deployment group create", text, StringComparison.Ordinal);
        Assert.Contains("eventgrid.bicep", text, StringComparison.Ordinal);
        Assert.Contains("blobsExtensionKey", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scripts/postdeploy-eventgrid.sh")]
    [InlineData("scripts/postdeploy-eventgrid.ps1")]
    public void Every_environment_value_the_postdeploy_hook_reads_is_a_main_template_output_or_azds_own(string script)
    {
        var text = File.ReadAllText(Repository.PathOf(script.Split('/')));
        var names = EnvironmentName().Matches(text).Select(m => m.Value).Distinct().ToList();

        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            Assert.True(
                compiled.Main.Outputs.ContainsKey(name) || AzdOwnValues.Contains(name),
                $"{script} reads {name}, which neither main.bicep outputs nor azd sets.");
        }
    }

    [Theory]
    [InlineData("scripts/preprovision-principal-type.sh")]
    [InlineData("scripts/preprovision-principal-type.ps1")]
    public void Preprovision_hook_sets_only_what_the_parameters_file_reads(string script)
    {
        var text = File.ReadAllText(Repository.PathOf(script.Split('/')));
        var parameters = File.ReadAllText(Path.Combine(Repository.Infra, "main.bicepparam"));
        var set = AzdEnvSet().Matches(text).Select(m => m.Groups["name"].Value).Distinct().ToList();

        Assert.Equal(["AZURE_PRINCIPAL_TYPE"], set);
        foreach (var name in EnvironmentName().Matches(text).Select(m => m.Value).Distinct())
        {
            Assert.True(
                AzdOwnValues.Contains(name) || parameters.Contains($"readEnvironmentVariable('{name}'", StringComparison.Ordinal),
                $"{script} reads {name}, which neither azd sets nor main.bicepparam reads.");
        }
    }

    [Theory]
    [InlineData("AZURE_ENV_NAME", "environmentName")]
    [InlineData("AZURE_LOCATION", "location")]
    [InlineData("AZURE_PRINCIPAL_ID", "principalId")]
    [InlineData("AZURE_PRINCIPAL_TYPE", "principalType")]
    public void Parameters_file_reads_the_azd_environment(string variable, string parameter)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Infra, "main.bicepparam"));

        Assert.Contains("using './main.bicep'", text, StringComparison.Ordinal);
        Assert.Matches($@"param {parameter} = readEnvironmentVariable\('{variable}'", text);
    }

    /// <summary>The lines under "<paramref name="key"/>:" at the given indent, or null.</summary>
    private static string? IndentedBlock(string yaml, string key, int indent)
    {
        var match = Regex.Match(
            yaml,
            $@"^ {{{indent}}}{Regex.Escape(key)}:[ \t]*\n(?<body>((?: {{{indent + 1},}}\S.*|[ \t]*)(\n|$))*)",
            RegexOptions.Multiline | RegexOptions.CultureInvariant);
        return match.Success ? match.Groups["body"].Value : null;
    }

    [GeneratedRegex(@"\b(AZURE|CAMERA)_[A-Z_]+\b", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();

    [GeneratedRegex(@"azd env set (?<name>[A-Z_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex AzdEnvSet();
}
