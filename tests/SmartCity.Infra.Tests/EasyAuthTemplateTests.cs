using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

/// <summary>
/// App Service authentication (authsettingsV2) with Entra ID: absent by default, and with
/// entraAuthEnabled on, token validation without a secret that lets key callers through, plus
/// the app setting that tells the app to require the roles.
/// </summary>
[Collection(CompiledTemplatesDefinition.Name)]
public class EasyAuthTemplateTests(CompiledTemplates compiled)
{
    private const string ClientId = "11111111-2222-3333-4444-555555555555";
    private const string TenantId = "66666666-7777-8888-9999-000000000000";

    private ArmTemplate On => compiled.Main.WithParameters(new Dictionary<string, JsonNode?>
    {
        ["entraAuthEnabled"] = true,
        ["entraClientId"] = ClientId,
        ["entraTenantId"] = TenantId,
    });

    [Fact]
    public void Authentication_settings_are_absent_by_default()
    {
        var module = EasyAuthDeployment(compiled.Main);

        Assert.Equal("[parameters('entraAuthEnabled')]", (string?)module["condition"]);
        Assert.Equal("false", compiled.Main.ResolveString(module["condition"]));
        Assert.Equal("false", compiled.Main.Parameters["entraAuthEnabled"]?["defaultValue"]?.ToJsonString());
        Assert.Equal("false", FunctionAppTemplateTests.ResolvedSetting(compiled.Main, "EasyAuth__Enabled"));
    }

    [Fact]
    public void With_the_parameter_on_authsettingsV2_is_deployed_and_the_app_is_told()
    {
        Assert.Equal("true", On.ResolveString(EasyAuthDeployment(On)["condition"]));
        Assert.Equal("true", FunctionAppTemplateTests.ResolvedSetting(On, "EasyAuth__Enabled"));
        Assert.Equal("true", AuthSettings(On).StringAt("properties", "platform", "enabled"));
    }

    [Fact]
    public void Entra_ID_validates_tokens_of_the_given_app_registration_and_tenant()
    {
        var aad = AuthSettings(On).At("properties", "identityProviders", "azureActiveDirectory")!;

        Assert.True((bool?)aad["enabled"]);
        Assert.Equal(ClientId, (string?)aad["registration"]!["clientId"]);
        Assert.Equal(
            "[format('{0}{1}/v2.0', environment().authentication.loginEndpoint, variables('issuerTenantId'))]",
            (string?)aad["registration"]!["openIdIssuer"]);
        var module = On.SelfAndModules().Single(t => t.Name == "easyauth");
        Assert.Equal(TenantId, module.ResolveVariable("issuerTenantId")?.ToString());
        Assert.Equal([ClientId, $"api://{ClientId}"], aad["validation"]!["allowedAudiences"]!.AsArray().Select(a => (string?)a));
    }

    [Fact]
    public void An_empty_tenant_means_the_tenant_of_the_deployment()
    {
        var module = On.SelfAndModules().Single(t => t.Name == "easyauth");

        Assert.Equal("[if(empty(parameters('tenantId')), tenant().tenantId, parameters('tenantId'))]", (string?)module.Variables["issuerTenantId"]);
        Assert.Equal("", (string?)compiled.Main.Parameters["entraTenantId"]?["defaultValue"]);
    }

    [Fact]
    public void Requests_without_a_token_pass_on_to_the_function_keys()
    {
        var validation = AuthSettings(On).At("properties", "globalValidation")!;

        Assert.False((bool?)validation["requireAuthentication"]);
        Assert.Equal("AllowAnonymous", (string?)validation["unauthenticatedClientAction"]);
    }

    [Fact]
    public void No_secret_is_configured_and_no_token_is_stored()
    {
        var settings = AuthSettings(On);

        Assert.DoesNotContain("clientSecret", settings.Json.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("false", settings.StringAt("properties", "login", "tokenStore", "enabled"));
        Assert.Equal("true", settings.StringAt("properties", "httpSettings", "requireHttps"));
    }

    private static ArmResource AuthSettings(ArmTemplate main) =>
        Assert.Single(main.ResourcesOfType("Microsoft.Web/sites/config"), r => r.RawName.Contains("authsettingsV2", StringComparison.Ordinal));

    private static JsonObject EasyAuthDeployment(ArmTemplate main) =>
        Assert.IsType<JsonObject>(main.Template["resources"]?["easyAuth"]);
}
