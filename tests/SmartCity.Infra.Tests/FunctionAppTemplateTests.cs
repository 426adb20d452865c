using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

[Collection(CompiledTemplatesDefinition.Name)]
public class FunctionAppTemplateTests(CompiledTemplates compiled)
{
    internal static readonly string[] IdentitySuffixes =
        ["__blobServiceUri", "__queueServiceUri", "__tableServiceUri", "__credential", "__clientId"];

    private ArmResource Site => compiled.Main.Single("Microsoft.Web/sites");

    [Fact]
    public void Plan_is_Flex_Consumption_on_Linux()
    {
        var plan = compiled.Main.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", plan.StringAt("sku", "name"));
        Assert.Equal("FlexConsumption", plan.StringAt("sku", "tier"));
        Assert.Equal("true", plan.StringAt("properties", "reserved"));
    }

    [Fact]
    public void App_is_a_Linux_function_app_tagged_as_the_azd_api_service()
    {
        Assert.Equal("functionapp,linux", Site.StringAt("kind"));
        Assert.Contains("'azd-service-name', parameters('serviceName')", (string?)Site.Json["tags"], StringComparison.Ordinal);
        Assert.Equal("api", Site.Template.ResolveString(JsonValue.Create("[parameters('serviceName')]")));
        Assert.Equal("true", Site.StringAt("properties", "httpsOnly"));
    }

    [Fact]
    public void Runtime_is_dotnet_isolated_10_0()
    {
        Assert.Equal("dotnet-isolated", Site.StringAt("properties", "functionAppConfig", "runtime", "name"));
        Assert.Equal("10.0", Site.StringAt("properties", "functionAppConfig", "runtime", "version"));
    }

    [Fact]
    public void App_runs_as_a_user_assigned_identity_and_deploys_with_it()
    {
        Assert.Equal("UserAssigned", Site.StringAt("identity", "type"));

        var storage = Site.Json["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage["authentication"]!["type"]);
        Assert.Equal("[parameters('identityResourceId')]", (string?)storage["authentication"]!["userAssignedIdentityResourceId"]);
    }

    [Fact]
    public void Scale_settings_come_from_parameters_with_no_always_ready_instances_by_default()
    {
        var scale = Site.Json["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!;

        Assert.Equal("2048", Site.Template.ResolveString(scale["instanceMemoryMB"]));
        Assert.Equal("100", Site.Template.ResolveString(scale["maximumInstanceCount"]));
        var alwaysReady = (string?)scale["alwaysReady"];
        Assert.Contains("parameters('alwaysReadyHttpInstances')", alwaysReady, StringComparison.Ordinal);
        Assert.Contains("'http'", alwaysReady, StringComparison.Ordinal);
        Assert.Equal("0", compiled.Main.Parameters["alwaysReadyHttpInstances"]?["defaultValue"]?.ToJsonString());
    }

    [Fact]
    public void Maximum_instance_count_accepts_the_whole_Flex_Consumption_range_of_1_to_1000()
    {
        foreach (var template in new[] { compiled.Main, Site.Template })
        {
            var parameter = template.Parameters["maximumInstanceCount"]!;
            Assert.Equal(1, (int?)parameter["minValue"]);
            Assert.Equal(1000, (int?)parameter["maxValue"]);
        }
    }

    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("CameraStorage")]
    public void Connection_is_identity_based(string connection)
    {
        var settings = AppSettings(compiled.Main);

        foreach (var suffix in IdentitySuffixes)
        {
            Assert.True(settings.ContainsKey(connection + suffix), $"No app setting {connection}{suffix}.");
        }

        Assert.False(settings.ContainsKey(connection), $"{connection} must not be a connection string in Azure.");
        Assert.Equal("managedidentity", Resolved(connection + "__credential"));
        Assert.Contains("outputs.clientId", Resolved(connection + "__clientId"), StringComparison.Ordinal);
        Assert.Contains("outputs.blobEndpoint", Resolved(connection + "__blobServiceUri"), StringComparison.Ordinal);
        Assert.Contains("outputs.queueEndpoint", Resolved(connection + "__queueServiceUri"), StringComparison.Ordinal);
        Assert.Contains("outputs.tableEndpoint", Resolved(connection + "__tableServiceUri"), StringComparison.Ordinal);
    }

    [Fact]
    public void Application_Insights_is_reached_with_Entra_ID_through_the_app_identity()
    {
        Assert.Contains("outputs.applicationInsightsConnectionString", Resolved("APPLICATIONINSIGHTS_CONNECTION_STRING"), StringComparison.Ordinal);
        Assert.Equal(
            "[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
            (string?)AppSettings(compiled.Main)["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("APPINSIGHTS_INSTRUMENTATIONKEY")]
    public void Setting_that_Flex_Consumption_rejects_or_that_would_carry_a_secret_is_absent(string key)
    {
        Assert.False(AppSettings(compiled.Main).ContainsKey(key), $"App setting {key} must not be set.");
    }

    [Fact]
    public void No_app_setting_value_holds_a_key()
    {
        foreach (var (key, value) in AppSettings(compiled.Main))
        {
            var text = Site.Template.ResolveString(value) ?? "";
            Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("InstrumentationKey=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessSignature", text, StringComparison.OrdinalIgnoreCase);
            Assert.False(text.Contains("listKeys", StringComparison.OrdinalIgnoreCase), $"{key} reads a key.");
        }
    }

    [Fact]
    public void Application_Insights_has_local_authentication_disabled()
    {
        var component = compiled.Main.Single("Microsoft.Insights/components");

        Assert.Equal("true", component.StringAt("properties", "DisableLocalAuth"));
        Assert.NotNull(component.Json["properties"]!["WorkspaceResourceId"]);
    }

    /// <summary>The literal key/value object of the function app's appsettings config resource.</summary>
    internal static JsonObject AppSettings(ArmTemplate main)
    {
        var config = Assert.Single(
            main.ResourcesOfType("Microsoft.Web/sites/config"),
            r => r.RawName.Contains("appsettings", StringComparison.Ordinal));
        return Assert.IsType<JsonObject>(config.Json["properties"]);
    }

    /// <summary>An app setting's value resolved to a literal as far as the defaults allow.</summary>
    internal static string? ResolvedSetting(ArmTemplate main, string key)
    {
        var config = Assert.Single(
            main.ResourcesOfType("Microsoft.Web/sites/config"),
            r => r.RawName.Contains("appsettings", StringComparison.Ordinal));
        return config.Template.ResolveString(config.Json["properties"]![key]);
    }

    private string Resolved(string key) => ResolvedSetting(compiled.Main, key) ?? "";
}
