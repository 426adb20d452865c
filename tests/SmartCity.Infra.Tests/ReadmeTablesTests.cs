using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

/// <summary>
/// The README's deploy parameter tables and camera settings table state what main.bicep,
/// main.bicepparam and local.settings.sample.json hold. The security parameters have their
/// table in the README's "## Security" chapter, the Custom Vision ones in "## Custom Vision".
/// </summary>
[Collection(CompiledTemplatesDefinition.Name)]
public partial class ReadmeTablesTests(CompiledTemplates compiled)
{
    private static readonly Lazy<string> Readme = new(() => File.ReadAllText(Repository.PathOf("README.md")));

    [Fact]
    public void Deploy_parameter_tables_list_every_main_parameter_with_its_default_and_variable()
    {
        var deploy = TableRows(Section(Readme.Value, "## Deploy to Azure", "### Parameters"));
        var security = TableRows(Section(Readme.Value, "## Security", "### Parameters"));
        var explanations = TableRows(Section(Readme.Value, "## Explanations", "### Parameters"));
        var customVision = TableRows(Section(Readme.Value, "## Custom Vision", "### Parameters"));
        Assert.Empty(deploy.Keys.Intersect(security.Keys));
        Assert.Empty(deploy.Keys.Concat(security.Keys).Intersect(explanations.Keys));
        Assert.Empty(deploy.Keys.Concat(security.Keys).Concat(explanations.Keys).Intersect(customVision.Keys));
        var rows = deploy.Concat(security).Concat(explanations).Concat(customVision).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var parametersFile = File.ReadAllText(Path.Combine(Repository.Infra, "main.bicepparam"));

        foreach (var (name, parameter) in compiled.Main.Parameters)
        {
            Assert.True(rows.TryGetValue(name, out var row), $"The README's parameter table has no row for {name}.");
            var defaultValue = parameter?["defaultValue"];
            if (defaultValue is JsonValue value && !(value.TryGetValue<string>(out var text) && text.Length == 0))
            {
                var literal = value.TryGetValue<string>(out var s) ? s : value.ToJsonString();
                Assert.True(row[1] == $"`{literal}`", $"README gives {name} the default {row[1]}, main.bicep `{literal}`.");
            }

            var variable = Regex.Match(parametersFile, $@"^param {name} = .*readEnvironmentVariable\('(?<name>[A-Z_]+)'", RegexOptions.Multiline);
            var documented = row[0] == "-" ? null : row[0].Trim('`');
            Assert.True(
                documented == (variable.Success ? variable.Groups["name"].Value : null),
                $"README gives {name} the variable {row[0]}, main.bicepparam {(variable.Success ? variable.Groups["name"].Value : "none")}.");
        }

        Assert.Empty(rows.Keys.Except(compiled.Main.Parameters.Select(p => p.Key)));
    }

    [Fact]
    public void Camera_settings_table_gives_every_camera_setting_its_sample_default_and_deploy_parameter()
    {
        var cameraRows = TableRows(Section(Readme.Value, "## Camera uploads", "### Settings"));
        var explanationRows = TableRows(Section(Readme.Value, "## Explanations", "### Settings"));
        var rows = cameraRows.Concat(explanationRows.Where(r => !cameraRows.ContainsKey(r.Key))).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var checkedKeys = 0;

        foreach (var (key, sample) in CodeContractTests.SampleValues.Value.Where(p => p.Key.StartsWith("Camera", StringComparison.Ordinal)))
        {
            Assert.True(rows.TryGetValue(key, out var row), $"The README's camera settings table has no row for {key}.");
            Assert.StartsWith($"`{(string?)sample}`", row[0], StringComparison.Ordinal);

            if (AppSettingsObjectTests.SettingsPropertyOf(compiled.Main, key) is { } property)
            {
                var parameter = AppSettingsObjectTests.MainParameterBehind(compiled.Main, property);
                Assert.True(
                    row[1] == (parameter is null ? "fixed" : $"`{parameter}`"),
                    $"README gives {key} the deploy parameter {row[1]}, main.bicep {parameter ?? "fixed"}.");
                checkedKeys++;
            }
        }

        Assert.True(checkedKeys >= 9, $"Only {checkedKeys} camera settings come from the settings object.");
    }

    /// <summary>The text under a "###" heading inside a "##" section, up to the next heading.</summary>
    private static string Section(string text, string chapter, string heading)
    {
        // The chapter's own heading (at the start of a line), not a mention of it in another chapter's text.
        var start = text.IndexOf("\n" + chapter, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{chapter}'.");
        start = text.IndexOf("\n" + heading + "\n", start, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{heading}' under '{chapter}'.");
        var end = text.IndexOf("\n#", start + heading.Length + 2, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    /// <summary>Rows of the Markdown table in a section, keyed by the first cell without backticks; the value is the other cells.</summary>
    private static Dictionary<string, string[]> TableRows(string section) =>
        section.Split('\n')
            .Where(line => TableRow().IsMatch(line))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .ToDictionary(cells => cells[0].Trim('`'), cells => cells[1..], StringComparer.Ordinal);

    [GeneratedRegex(@"^\|\s*`[^`]+`\s*\|", RegexOptions.CultureInvariant)]
    private static partial Regex TableRow();
}
