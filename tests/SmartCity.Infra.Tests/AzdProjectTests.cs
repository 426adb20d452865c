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
    [InlineData(@"^\s{2}postdeploy:\s*$")]
    public void Azure_yaml_declares(string pattern)
    {
        Assert.Matches(new Regex(pattern, RegexOptions.Multiline | RegexOptions.CultureInvariant), AzureYaml.Value);
    }

    [Theory]
    [InlineData("posix", "sh", "./scripts/postdeploy-eventgrid.sh")]
    [InlineData("windows", "pwsh", "./scripts/postdeploy-eventgrid.ps1")]
    public void Postdeploy_hook_runs_an_existing_script(string platform, string shell, string script)
    {
        var block = Regex.Match(AzureYaml.Value, $@"^\s+{platform}:\s*\n(?<body>(\s{{6,}}.*\n?)+)", RegexOptions.Multiline);
        Assert.True(block.Success, $"No {platform} hook in azure.yaml.");
        Assert.Matches($@"shell:\s*{shell}\b", block.Groups["body"].Value);
        Assert.Contains($"run: {script}", block.Groups["body"].Value, StringComparison.Ordinal);
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
    [InlineData("AZURE_ENV_NAME", "environmentName")]
    [InlineData("AZURE_LOCATION", "location")]
    [InlineData("AZURE_PRINCIPAL_ID", "principalId")]
    public void Parameters_file_reads_the_azd_environment(string variable, string parameter)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Infra, "main.bicepparam"));

        Assert.Contains("using './main.bicep'", text, StringComparison.Ordinal);
        Assert.Matches($@"param {parameter} = readEnvironmentVariable\('{variable}'", text);
    }

    [GeneratedRegex(@"\b(AZURE|CAMERA)_[A-Z_]+\b", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();
}
