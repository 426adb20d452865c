namespace SmartCity.Infra.Tests;

public class BicepLintTests
{
    public static TheoryData<string> BicepFiles() => FilesUnderInfra("*.bicep");

    public static TheoryData<string> BicepParamFiles() => FilesUnderInfra("*.bicepparam");

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Bicep_file_builds_without_warnings_or_errors(string relativePath)
    {
        var result = Bicep.Run("build", Path.Combine(Repository.Root, relativePath), "--stdout");

        Assert.True(result.ExitCode == 0, $"bicep build failed:\n{result.Stderr}");
        Assert.Empty(result.Problems);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Bicep_file_passes_the_linter(string relativePath)
    {
        var result = Bicep.Run("lint", Path.Combine(Repository.Root, relativePath));

        Assert.True(result.ExitCode == 0, $"bicep lint failed:\n{result.Stdout}{result.Stderr}");
        Assert.Empty(result.Problems);
    }

    [Theory]
    [MemberData(nameof(BicepParamFiles))]
    public void Bicepparam_file_builds_without_warnings_or_errors(string relativePath)
    {
        var result = Bicep.Run("build-params", Path.Combine(Repository.Root, relativePath), "--stdout");

        Assert.True(result.ExitCode == 0, $"bicep build-params failed:\n{result.Stderr}");
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Infra_has_the_main_template_its_parameters_and_the_modules()
    {
        var files = Directory.EnumerateFiles(Repository.Infra, "*.bicep*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.Root, f).Replace('\\', '/'))
            .ToList();

        Assert.Contains("infra/main.bicep", files);
        Assert.Contains("infra/main.bicepparam", files);
        Assert.Contains("infra/eventgrid.bicep", files);
        foreach (var module in new[] { "storage", "monitoring", "functionapp", "rbac", "eventgrid", "network", "easyauth" })
        {
            Assert.Contains($"infra/modules/{module}.bicep", files);
        }
    }

    [Fact]
    public void Linter_configuration_turns_an_unused_parameter_into_a_reported_warning()
    {
        // Proves the checks above can fail: the repository's bicepconfig.json, a file with a defect.
        var dir = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            File.Copy(Path.Combine(Repository.Infra, "bicepconfig.json"), Path.Combine(dir.FullName, "bicepconfig.json"));
            var file = Path.Combine(dir.FullName, "defect.bicep");
            File.WriteAllText(file, "@description('Never used.')\nparam unused string = 'x'\n");

            var result = Bicep.Run("lint", file);

            Assert.Contains(result.Problems, p => p.Contains("Warning no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Linter_configuration_enables_the_core_rules_at_warning_level()
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(
            File.ReadAllText(Path.Combine(Repository.Infra, "bicepconfig.json")))!;
        var core = config["analyzers"]!["core"]!;
        Assert.True(core["enabled"]!.GetValue<bool>());

        string[] required =
        [
            "no-unused-params", "no-unused-vars", "secure-secrets-in-params",
            "outputs-should-not-contain-secrets", "use-resource-symbol-reference", "no-hardcoded-env-urls",
            "prefer-interpolation", "simplify-interpolation", "explicit-values-for-loc-params",
        ];
        foreach (var rule in required)
        {
            Assert.Equal("warning", (string?)core["rules"]?[rule]?["level"]);
        }
    }

    private static TheoryData<string> FilesUnderInfra(string pattern)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Repository.Infra, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repository.Root, file));
        }

        return data;
    }
}
