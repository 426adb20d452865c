using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

/// <summary>
/// The function app's start-up test (tests/SmartCity.Functions.Tests/Startup) starts the built
/// app with the settings Azure gives it, read from azure-app-settings.json. Its list must be the
/// list the template sets, or that test would start the app with settings it never gets.
/// </summary>
[Collection(CompiledTemplatesDefinition.Name)]
public sealed class StartupSettingsContractTests(CompiledTemplates compiled)
{
    private static JsonObject StartupAppSettings() =>
        JsonNode.Parse(File.ReadAllText(Repository.PathOf("tests/SmartCity.Functions.Tests/Startup/azure-app-settings.json")))!["appSettings"]!.AsObject();

    [Fact]
    public void The_start_up_test_uses_exactly_the_app_settings_the_template_sets()
    {
        var template = FunctionAppTemplateTests.AppSettings(compiled.Main).Select(p => p.Key).Order(StringComparer.Ordinal);
        var startup = StartupAppSettings().Select(p => p.Key).Order(StringComparer.Ordinal);

        Assert.Equal(template, startup);
    }

    [Fact]
    public void Settings_the_template_sets_to_a_literal_have_that_value_in_the_start_up_test()
    {
        foreach (var (key, value) in StartupAppSettings())
        {
            var resolved = FunctionAppTemplateTests.ResolvedSetting(compiled.Main, key);
            if (resolved is not null && !resolved.StartsWith('[') && !resolved.Contains("://", StringComparison.Ordinal))
            {
                Assert.True(resolved == (string?)value, $"{key}: the template sets '{resolved}', the start-up test '{value}'.");
            }
        }
    }
}
