using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

/// <summary>
/// The optional network restrictions: open by default (so azd up works from anywhere); with
/// restrictStorageNetwork, storage admits only the app's subnet, trusted services and the listed
/// IPs; with functionAppAllowedIpRanges, the app admits only those ranges and Event Grid.
/// </summary>
[Collection(CompiledTemplatesDefinition.Name)]
public class NetworkTemplateTests(CompiledTemplates compiled)
{
    private static readonly string[] CameraIps = ["203.0.113.7", "198.51.100.0/24"];

    private ArmTemplate RestrictedStorage => compiled.Main.WithParameters(new Dictionary<string, JsonNode?>
    {
        ["restrictStorageNetwork"] = true,
        ["storageAllowedIpRanges"] = new JsonArray([.. CameraIps.Select(ip => (JsonNode?)ip)]),
    });

    private ArmTemplate RestrictedApp => compiled.Main.WithParameters(new Dictionary<string, JsonNode?>
    {
        ["functionAppAllowedIpRanges"] = new JsonArray("203.0.113.0/24"),
    });

    [Fact]
    public void By_default_storage_is_reachable_from_any_network_and_no_virtual_network_is_made()
    {
        var account = compiled.Main.Single("Microsoft.Storage/storageAccounts");
        var acls = Assert.IsType<JsonObject>(account.At("properties", "networkAcls"));

        Assert.Equal("Allow", (string?)acls["defaultAction"]);
        Assert.Equal("AzureServices", (string?)acls["bypass"]);
        Assert.Equal("Enabled", account.StringAt("properties", "publicNetworkAccess"));
        Assert.Equal("false", compiled.Main.ResolveString(compiled.Main.Template["resources"]!["network"]!["condition"]));
        Assert.Null(Site(compiled.Main).At("properties", "virtualNetworkSubnetId"));
    }

    [Fact]
    public void Restricted_storage_denies_by_default_and_admits_the_app_subnet_trusted_services_and_the_listed_ips()
    {
        var acls = Assert.IsType<JsonObject>(RestrictedStorage.Single("Microsoft.Storage/storageAccounts").At("properties", "networkAcls"));

        Assert.Equal("Deny", (string?)acls["defaultAction"]);
        Assert.Equal("AzureServices", (string?)acls["bypass"]);
        Assert.Equal(CameraIps, acls["ipRules"]!.AsArray().Select(r => (string?)r!["value"]));
        Assert.All(acls["ipRules"]!.AsArray(), r => Assert.Equal("Allow", (string?)r!["action"]));
        var subnet = Assert.Single(acls["virtualNetworkRules"]!.AsArray())!;
        Assert.Equal("Allow", (string?)subnet["action"]);
        Assert.Equal(AppSubnetId(), (string?)subnet["id"]);
    }

    [Fact]
    public void Restricted_storage_integrates_the_app_with_a_delegated_subnet_that_has_the_storage_service_endpoint()
    {
        var main = RestrictedStorage;
        Assert.Equal("true", main.ResolveString(main.Template["resources"]!["network"]!["condition"]));
        Assert.Equal(AppSubnetId(), Site(main).StringAt("properties", "virtualNetworkSubnetId"));

        var vnet = main.Single("Microsoft.Network/virtualNetworks");
        var subnet = Assert.Single(Assert.IsType<JsonArray>(vnet.At("properties", "subnets")))!;
        Assert.Equal("app", (string?)subnet["name"]);
        Assert.Equal("Microsoft.App/environments", (string?)Assert.Single(subnet["properties"]!["delegations"]!.AsArray())!["properties"]!["serviceName"]);
        Assert.Equal("Microsoft.Storage", (string?)Assert.Single(subnet["properties"]!["serviceEndpoints"]!.AsArray())!["service"]);

        // The subnet main.bicep points storage and the app at is the one the network module makes.
        Assert.Contains("variables('virtualNetworkName'), 'app')", AppSubnetId(), StringComparison.Ordinal);
        Assert.Equal("[variables('virtualNetworkName')]", (string?)main.Template["resources"]!["network"]!["properties"]!["parameters"]!["name"]!["value"]);
    }

    [Fact]
    public void By_default_the_function_app_takes_calls_from_any_address()
    {
        var site = Site(compiled.Main);

        Assert.Null(site.At("properties", "siteConfig", "ipSecurityRestrictions"));
        Assert.Equal("Allow", site.StringAt("properties", "siteConfig", "ipSecurityRestrictionsDefaultAction"));
    }

    [Fact]
    public void With_allowed_ranges_the_function_app_denies_others_but_lets_Event_Grid_and_deployments_in()
    {
        var site = Site(RestrictedApp);
        var rules = Assert.IsType<JsonArray>(site.At("properties", "siteConfig", "ipSecurityRestrictions"));

        Assert.Equal("Deny", site.StringAt("properties", "siteConfig", "ipSecurityRestrictionsDefaultAction"));
        Assert.Equal(2, rules.Count);
        Assert.Equal("203.0.113.0/24", (string?)rules[0]!["ipAddress"]);
        Assert.Equal("Allow", (string?)rules[0]!["action"]);
        Assert.Equal("AzureEventGrid", (string?)rules[1]!["ipAddress"]);
        Assert.Equal("ServiceTag", (string?)rules[1]!["tag"]);
        Assert.Equal("Allow", (string?)rules[1]!["action"]);
        Assert.Equal("false", site.StringAt("properties", "siteConfig", "scmIpSecurityRestrictionsUseMain"));
    }

    private static ArmResource Site(ArmTemplate main) => main.Single("Microsoft.Web/sites");

    /// <summary>The subnet ID main.bicep computes (known only at deployment: it names the resource group).</summary>
    private string AppSubnetId() =>
        RestrictedStorage.ResolveString(RestrictedStorage.Variables["networkRules"]!["appSubnetId"])!;
}
