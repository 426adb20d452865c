using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

/// <summary>infra/main.bicepparam evaluated by bicep build-params with a chosen azd environment.</summary>
[Collection(CompiledTemplatesDefinition.Name)]
public partial class ParametersFileTests(CompiledTemplates compiled)
{
    [Fact]
    public void Principal_type_is_empty_not_User_when_the_environment_does_not_say()
    {
        var parameters = BuildParameters(("AZURE_PRINCIPAL_TYPE", null));

        Assert.Equal("", (string?)parameters["principalType"]?["value"]);
    }

    [Theory]
    [InlineData("User")]
    [InlineData("ServicePrincipal")]
    [InlineData("Group")]
    public void Principal_type_comes_from_AZURE_PRINCIPAL_TYPE(string principalType)
    {
        var parameters = BuildParameters(("AZURE_PRINCIPAL_TYPE", principalType));

        Assert.Equal(principalType, (string?)parameters["principalType"]?["value"]);
    }

    [Fact]
    public void The_account_type_az_prints_is_not_a_principal_type_and_fails_the_build()
    {
        // az account show says 'user'; the hook must map it to 'User' (ARM's spelling).
        var result = Bicep.RunWithEnvironment(
            new Dictionary<string, string?> { ["AZURE_PRINCIPAL_TYPE"] = "user" },
            "build-params", Path.Combine(Repository.Infra, "main.bicepparam"), "--stdout");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("'ServicePrincipal' | 'User'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Ip_range_lists_are_read_comma_separated_without_blanks()
    {
        var parameters = BuildParameters(
            ("STORAGE_ALLOWED_IP_RANGES", " 203.0.113.7, 198.51.100.0/24,,"),
            ("FUNCTION_APP_ALLOWED_IP_RANGES", "203.0.113.0/24"));

        Assert.Equal(["203.0.113.7", "198.51.100.0/24"], parameters["storageAllowedIpRanges"]!["value"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["203.0.113.0/24"], parameters["functionAppAllowedIpRanges"]!["value"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public void Entra_ID_and_the_storage_restriction_are_turned_on_from_the_environment()
    {
        var parameters = BuildParameters(
            ("ENTRA_AUTH_ENABLED", "true"),
            ("ENTRA_CLIENT_ID", "11111111-2222-3333-4444-555555555555"),
            ("RESTRICT_STORAGE_NETWORK", "true"));

        Assert.True((bool?)parameters["entraAuthEnabled"]!["value"]);
        Assert.Equal("11111111-2222-3333-4444-555555555555", (string?)parameters["entraClientId"]!["value"]);
        Assert.True((bool?)parameters["restrictStorageNetwork"]!["value"]);
    }

    [Fact]
    public void Without_environment_values_the_parameters_file_gives_the_defaults_of_main_bicep()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Infra, "main.bicepparam"));
        var variables = EnvironmentRead().Matches(text).Select(m => m.Groups["name"].Value).Distinct().ToList();
        var parameters = BuildParameters([.. variables.Select(v => (v, (string?)null))]);

        var compared = 0;
        foreach (var (name, parameter) in parameters)
        {
            var defaultValue = compiled.Main.Parameters[name]?["defaultValue"];
            if (defaultValue is null)
            {
                continue; // environmentName and location: azd always sets them
            }

            Assert.True(
                JsonNode.DeepEquals(defaultValue, parameter?["value"]),
                $"main.bicepparam gives {name} {parameter?["value"]?.ToJsonString()} without its environment variable, main.bicep defaults it to {defaultValue.ToJsonString()}.");
            compared++;
        }

        Assert.True(compared >= 9, $"Only {compared} parameters of main.bicepparam have a default in main.bicep.");
    }

    /// <summary>The "parameters" object build-params produces, with the given variables set or (null) removed.</summary>
    private static JsonObject BuildParameters(params (string Name, string? Value)[] environment)
    {
        var result = Bicep.RunWithEnvironment(
            environment.ToDictionary(e => e.Name, e => e.Value),
            "build-params", Path.Combine(Repository.Infra, "main.bicepparam"), "--stdout");
        Assert.True(result.ExitCode == 0, $"bicep build-params failed:\n{result.Stderr}");

        var output = JsonNode.Parse(result.Stdout)!;
        var parametersJson = JsonNode.Parse((string)output["parametersJson"]!)!;
        return parametersJson["parameters"]!.AsObject();
    }

    [GeneratedRegex(@"readEnvironmentVariable\('(?<name>[A-Z_]+)'", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentRead();
}
