using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

[Collection(CompiledTemplatesDefinition.Name)]
public class TemplateConventionTests(CompiledTemplates compiled)
{
    [Fact]
    public void Every_parameter_and_output_has_a_description()
    {
        var missing = new List<string>();
        foreach (var template in compiled.Main.SelfAndModules().Concat(compiled.EventGrid.SelfAndModules()))
        {
            foreach (var (kind, section) in new[] { ("param", template.Parameters), ("output", template.Outputs) })
            {
                foreach (var (name, definition) in section)
                {
                    if (string.IsNullOrWhiteSpace((string?)definition?["metadata"]?["description"]))
                    {
                        missing.Add($"{template.Name}: {kind} {name}");
                    }
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void No_module_call_passes_a_literal_its_parameter_already_defaults_to()
    {
        var redundant = new List<string>();
        foreach (var module in compiled.Main.SelfAndModules().Concat(compiled.EventGrid.SelfAndModules()).Where(t => t.Parent is not null))
        {
            foreach (var (name, supplied) in module.SuppliedParameters ?? [])
            {
                var value = supplied?["value"];
                var defaultValue = module.Parameters[name]?["defaultValue"];
                if (value is not null && defaultValue is not null && JsonNode.DeepEquals(value, defaultValue))
                {
                    redundant.Add($"{module.Name}: {name} = {value.ToJsonString()}");
                }
            }
        }

        Assert.Empty(redundant);
    }

    [Theory]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("AZURE_FUNCTION_APP_NAME")]
    [InlineData("AZURE_STORAGE_ACCOUNT_NAME")]
    [InlineData("AZURE_EVENTGRID_SYSTEM_TOPIC_NAME")]
    [InlineData("CAMERA_IMAGES_CONTAINER_NAME")]
    [InlineData("SERVICE_API_NAME")]
    [InlineData("SERVICE_API_URI")]
    public void Main_template_outputs_what_azd_and_the_hooks_read(string output)
    {
        Assert.True(compiled.Main.Outputs.ContainsKey(output), $"main.bicep has no output {output}.");
    }

    [Fact]
    public void Main_template_creates_its_resource_group_at_subscription_scope_with_the_azd_env_tag()
    {
        Assert.Contains("subscriptionDeploymentTemplate", (string?)compiled.Main.Template["$schema"], StringComparison.Ordinal);
        var rg = compiled.Main.Single("Microsoft.Resources/resourceGroups");
        var tags = Assert.IsType<JsonObject>(rg.At("tags"));
        Assert.Equal("[parameters('environmentName')]", (string?)tags["azd-env-name"]);
    }

    [Fact]
    public void Resource_names_derive_from_the_unique_resource_token()
    {
        var token = (string?)compiled.Main.Variables["resourceToken"];
        Assert.Contains("uniqueString(subscription().id, parameters('environmentName'), parameters('location'))", token, StringComparison.Ordinal);

        foreach (var name in new[] { "functionAppName", "storageAccountName", "applicationInsightsName" })
        {
            Assert.Contains("variables('resourceToken')", (string?)compiled.Main.Variables[name], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_template_contains_a_key_or_a_key_bearing_connection_string()
    {
        foreach (var (name, json) in new[] { ("main", compiled.MainJson), ("eventgrid", compiled.EventGridJson) })
        {
            foreach (var forbidden in new[] { "AccountKey", "InstrumentationKey=", "listKeys(", "SharedAccessSignature" })
            {
                Assert.False(json.Contains(forbidden, StringComparison.OrdinalIgnoreCase), $"{name} template contains '{forbidden}'.");
            }
        }
    }
}
