using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

/// <summary>
/// The template against the code: local.settings.sample.json lists every setting the app reads,
/// and the functions' attributes name the connections and the blob-triggered function.
/// </summary>
[Collection(CompiledTemplatesDefinition.Name)]
public partial class CodeContractTests(CompiledTemplates compiled)
{
    internal static readonly Lazy<JsonObject> SampleValues = new(() =>
        JsonNode.Parse(File.ReadAllText(Repository.PathOf("local.settings.sample.json")))!["Values"]!.AsObject());

    public static TheoryData<string> SampleKeys()
    {
        var data = new TheoryData<string>();
        foreach (var (key, _) in SampleValues.Value)
        {
            data.Add(key);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleKeys))]
    public void Setting_from_the_sample_is_configured_in_Azure(string key)
    {
        var value = (string?)SampleValues.Value[key] ?? "";
        var settings = FunctionAppTemplateTests.AppSettings(compiled.Main);

        if (key == "FUNCTIONS_WORKER_RUNTIME")
        {
            // Flex Consumption takes the worker runtime from functionAppConfig.runtime, never from a setting.
            Assert.False(settings.ContainsKey(key));
            return;
        }

        if (value.Length == 0)
        {
            return; // empty means "use the default" in the code, nothing to set
        }

        if (IsConnection(value))
        {
            foreach (var suffix in FunctionAppTemplateTests.IdentitySuffixes)
            {
                Assert.True(settings.ContainsKey(key + suffix), $"Connection {key} has no {key}{suffix} setting.");
            }

            return;
        }

        Assert.True(settings.ContainsKey(key), $"App setting {key} is missing from the template.");
        Assert.Equal(value, FunctionAppTemplateTests.ResolvedSetting(compiled.Main, key));
    }

    [Fact]
    public void Container_and_table_settings_name_what_the_template_creates()
    {
        var containers = StorageTemplateTests.CreatedContainerNames(compiled.Main);
        var tables = StorageTemplateTests.CreatedTableNames(compiled.Main);
        var checkedKeys = 0;

        foreach (var (key, _) in SampleValues.Value)
        {
            if (key.EndsWith("Container", StringComparison.Ordinal))
            {
                Assert.Contains(FunctionAppTemplateTests.ResolvedSetting(compiled.Main, key), containers);
                checkedKeys++;
            }
            else if (key.EndsWith("TableName", StringComparison.Ordinal))
            {
                Assert.Contains(FunctionAppTemplateTests.ResolvedSetting(compiled.Main, key), tables);
                checkedKeys++;
            }
        }

        Assert.True(checkedKeys >= 4, $"Only {checkedKeys} container/table settings found in the sample.");
    }

    [Fact]
    public void Every_trigger_connection_in_the_code_is_identity_based_in_Azure()
    {
        var connections = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in FunctionSources())
        {
            foreach (Match match in ConnectionArgument().Matches(File.ReadAllText(file)))
            {
                connections.Add(match.Groups["name"].Value);
            }
        }

        // The sample's connections are the floor: the check holds even before any function exists.
        foreach (var (key, value) in SampleValues.Value)
        {
            if (key != "AzureWebJobsStorage" && IsConnection((string?)value ?? ""))
            {
                connections.Add(key);
            }
        }

        Assert.Contains("CameraStorage", connections);
        var settings = FunctionAppTemplateTests.AppSettings(compiled.Main);
        foreach (var connection in connections)
        {
            foreach (var suffix in FunctionAppTemplateTests.IdentitySuffixes)
            {
                Assert.True(settings.ContainsKey(connection + suffix), $"Connection {connection} has no {connection}{suffix} setting.");
            }
        }
    }

    [SkippableFact]
    public void Webhook_targets_the_function_the_code_declares_with_an_Event_Grid_blob_trigger()
    {
        var url = (string?)compiled.EventGrid.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions")
            .Json["properties"]!["destination"]!["properties"]!["endpointUrl"];
        var target = WebhookFunction().Match(url ?? "");
        Assert.True(target.Success, $"No functionName=Host.Functions.<name> in {url}");
        Assert.Equal("ClassifyCameraImage", target.Groups["name"].Value);

        var declared = FunctionSources()
            .SelectMany(file => FunctionAttribute().Matches(File.ReadAllText(file)))
            .Select(m => m.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);
        Skip.If(
            !declared.Contains("ClassifyCameraImage"),
            "No [Function(\"ClassifyCameraImage\")] under functions/ yet; the function app is written in parallel.");

        var source = FunctionSources().Select(File.ReadAllText)
            .First(text => text.Contains("[Function(\"ClassifyCameraImage\")]", StringComparison.Ordinal));
        var body = source[source.IndexOf("[Function(\"ClassifyCameraImage\")]", StringComparison.Ordinal)..];
        var trigger = BlobTrigger().Match(body);
        Assert.True(trigger.Success, "ClassifyCameraImage has no [BlobTrigger(...)].");
        Assert.Contains("BlobTriggerSource.EventGrid", trigger.Value, StringComparison.Ordinal);

        // The trigger's container (literal or %Setting%) is the one the subscription filters on.
        var container = trigger.Groups["path"].Value.Split('/')[0];
        if (container.StartsWith('%') && container.EndsWith('%'))
        {
            container = (string?)SampleValues.Value[container.Trim('%')] ?? container;
        }

        Assert.Equal(compiled.EventGrid.ResolveParameter("containerName")?.ToString(), container);
    }

    internal static bool IsConnection(string value) =>
        value.StartsWith("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase)
        || value.Contains("AccountName=", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> FunctionSources()
    {
        var root = Repository.PathOf("functions");
        if (!Directory.Exists(root))
        {
            return [];
        }

        var separator = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal)
                && !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\bConnection\s*=\s*""(?<name>[^""]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionArgument();

    [GeneratedRegex(@"\[Function\(\s*""(?<name>[^""]+)""\s*\)\]", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex(@"BlobTrigger\(\s*""(?<path>[^""]+)""[^\]]*\)", RegexOptions.CultureInvariant)]
    private static partial Regex BlobTrigger();

    [GeneratedRegex(@"functionName=Host\.Functions\.(?<name>\w+)&", RegexOptions.CultureInvariant)]
    private static partial Regex WebhookFunction();
}
