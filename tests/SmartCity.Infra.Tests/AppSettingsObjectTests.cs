using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

/// <summary>
/// The app's own settings travel from main.bicep to the function app module once, as one object
/// of the exported type appSettingsType (infra/modules/types.bicep), not as a parameter each.
/// </summary>
[Collection(CompiledTemplatesDefinition.Name)]
public partial class AppSettingsObjectTests(CompiledTemplates compiled)
{
    private ArmTemplate Module => FunctionAppModule(compiled.Main);

    private JsonObject TypeProperties =>
        Assert.IsType<JsonObject>(Module.Template["definitions"]?["appSettingsType"]?["properties"]);

    [Fact]
    public void Function_app_module_takes_one_settings_object_of_the_exported_type()
    {
        Assert.Equal("#/definitions/appSettingsType", (string?)Module.Parameters["settings"]?["$ref"]);
        Assert.Equal(
            "types.bicep",
            (string?)Module.Template["definitions"]!["appSettingsType"]!["metadata"]?["__bicep_imported_from!"]?["sourceTemplate"]);
        Assert.True(Module.SuppliedParameters?.ContainsKey("settings"), "main.bicep does not pass settings to the function app module.");
    }

    [Fact]
    public void Every_setting_of_the_sample_is_read_from_the_settings_object_and_every_property_is_a_setting()
    {
        var appSettings = FunctionAppTemplateTests.AppSettings(compiled.Main);
        var read = new List<string>();
        // A setting whose sample is empty (the code's default) but that the template sets from a deploy
        // parameter, empty by default (CustomVision__Projects), comes from the settings object too.
        var emptyButDeployed = CodeContractTests.SampleValues.Value
            .Where(p => ((string?)p.Value ?? "").Length == 0 && appSettings.ContainsKey(p.Key))
            .Select(p => p.Key);
        foreach (var key in AppOwnSampleKeys().Concat(emptyButDeployed))
        {
            var raw = (string?)appSettings[key] ?? "";
            var match = SettingsProperty().Match(raw);
            Assert.True(match.Success, $"App setting {key} is {raw}, not a property of parameters('settings').");
            read.Add(match.Groups["property"].Value);
        }

        Assert.Equal(TypeProperties.Select(p => p.Key).Order(StringComparer.Ordinal), read.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Function_app_module_has_no_parameter_of_its_own_for_an_app_setting()
    {
        // A setting threaded separately would show up as a parameter named like a settings
        // property (cameraModels), the same without its section (maxPixels), or a main.bicep one.
        var settingNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (property, _) in TypeProperties)
        {
            settingNames.Add(property);
            settingNames.Add(SectionPrefix().Replace(property, ""));
        }

        foreach (var (property, _) in MainSettingsObject(compiled.Main))
        {
            if (MainParameterBehind(compiled.Main, property) is { } parameter)
            {
                settingNames.Add(parameter);
            }
        }

        var threaded = Module.Parameters.Select(p => p.Key).Where(name => name != "settings" && settingNames.Contains(name)).ToList();
        Assert.Empty(threaded);
        Assert.DoesNotContain(Module.SuppliedParameters!.Select(p => p.Key), settingNames.Contains);
    }

    [Fact]
    public void Main_parameter_behind_a_setting_has_the_type_and_limits_of_its_settings_property()
    {
        var checkedParameters = 0;
        foreach (var (property, _) in MainSettingsObject(compiled.Main))
        {
            if (MainParameterBehind(compiled.Main, property) is not { } name)
            {
                continue; // a fixed name (containers, table)
            }

            var parameter = compiled.Main.Parameters[name]!;
            var definition = TypeProperties[property];
            Assert.True(definition is not null, $"main.bicep sets {property}, which appSettingsType does not have.");
            foreach (var facet in new[] { "type", "minValue", "maxValue", "minLength", "maxLength" })
            {
                Assert.True(
                    JsonNode.DeepEquals(definition[facet], parameter[facet]),
                    $"main.bicep parameter {name} has {facet} {parameter[facet]?.ToJsonString() ?? "(none)"}, appSettingsType.{property} {definition[facet]?.ToJsonString() ?? "(none)"}.");
            }

            checkedParameters++;
        }

        Assert.True(checkedParameters >= 10, $"Only {checkedParameters} main.bicep parameters feed the settings object.");
    }

    [Fact]
    public void Every_settings_property_has_a_description()
    {
        foreach (var (property, definition) in TypeProperties)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)definition?["metadata"]?["description"]), $"appSettingsType.{property} has no description.");
        }
    }

    /// <summary>Keys of local.settings.sample.json the template sets as the app's own settings (not connections, not the worker runtime, not empty).</summary>
    internal static IEnumerable<string> AppOwnSampleKeys() =>
        CodeContractTests.SampleValues.Value
            .Where(p => p.Key != "FUNCTIONS_WORKER_RUNTIME"
                && ((string?)p.Value ?? "").Length > 0
                && !CodeContractTests.IsConnection((string?)p.Value ?? ""))
            .Select(p => p.Key);

    internal static ArmTemplate FunctionAppModule(ArmTemplate main) =>
        Assert.Single(main.SelfAndModules(), t => t.Name == "functionapp");

    /// <summary>The object main.bicep passes as the module's settings, as written (properties are expressions).</summary>
    internal static JsonObject MainSettingsObject(ArmTemplate main)
    {
        var value = FunctionAppModule(main).SuppliedParameters?["settings"]?["value"];
        if (value is JsonValue v && v.TryGetValue<string>(out var text) && VariableReference().Match(text) is { Success: true } variable)
        {
            value = main.Variables[variable.Groups["name"].Value];
        }

        return Assert.IsType<JsonObject>(value);
    }

    /// <summary>The main.bicep parameter a settings property is set from, or null for a fixed value.</summary>
    internal static string? MainParameterBehind(ArmTemplate main, string property) =>
        // A fixed number (a literal int) names no parameter either.
        ParameterReference().Match(MainSettingsObject(main)[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "") is { Success: true } match
            ? match.Groups["name"].Value
            : null;

    /// <summary>The settings property an app setting of the module reads, or null.</summary>
    internal static string? SettingsPropertyOf(ArmTemplate main, string key) =>
        SettingsProperty().Match((string?)FunctionAppTemplateTests.AppSettings(main)[key] ?? "") is { Success: true } match
            ? match.Groups["property"].Value
            : null;

    [GeneratedRegex(@"^\[(string\()?parameters\('settings'\)\.(?<property>\w+)\)?\]$", RegexOptions.CultureInvariant)]
    private static partial Regex SettingsProperty();

    [GeneratedRegex(@"^\[parameters\('(?<name>\w+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[variables\('(?<name>\w+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();

    [GeneratedRegex("^(camera|inference|http|modelRepository|training|easyAuth)(?=[A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex SectionPrefix();
}
