using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

/// <summary>
/// The expression reader the template tests rely on, on a hand-written template shaped like what
/// Bicep emits for an object passed to a module (a variable whose properties are expressions).
/// </summary>
public class ArmTemplateTests
{
    private const string Json = """
        {
          "parameters": {
            "models": { "type": "string", "defaultValue": "vehicle-type" },
            "topLabels": { "type": "int", "defaultValue": 5 },
            "location": { "type": "string" }
          },
          "variables": {
            "settings": {
              "container": "camera-images",
              "models": "[parameters('models')]",
              "topLabels": "[parameters('topLabels')]",
              "nested": { "prefixes": [ "frames-", "[parameters('models')]" ] }
            }
          },
          "resources": {
            "app": {
              "type": "Microsoft.Resources/deployments",
              "name": "app",
              "properties": {
                "parameters": {
                  "settings": { "value": "[variables('settings')]" },
                  "clientId": { "value": "[reference('identity').outputs.clientId.value]" },
                  "region": { "value": "[parameters('location')]" }
                },
                "template": {
                  "parameters": {
                    "settings": { "$ref": "#/definitions/appSettingsType" },
                    "clientId": { "type": "string" },
                    "region": { "type": "string" }
                  },
                  "resources": {
                    "config": {
                      "type": "Microsoft.Web/sites/config",
                      "name": "app/appsettings",
                      "properties": {
                        "Models": "[parameters('settings').models]",
                        "TopLabels": "[string(parameters('settings').topLabels)]",
                        "Prefix": "[format('{0}/{1}', parameters('settings')['container'], parameters('settings').nested.prefixes[1])]",
                        "Quoted": "[format('it''s {0}', parameters('settings').topLabels)]",
                        "ClientId": "[parameters('clientId')]",
                        "Authentication": "[format('ClientId={0}', parameters('clientId'))]",
                        "Region": "[parameters('region')]",
                        "Missing": "[parameters('settings').noSuchSetting]"
                      }
                    }
                  }
                }
              }
            }
          }
        }
        """;

    private static readonly ArmResource Config = ArmTemplate.Parse(Json, "test.json").Single("Microsoft.Web/sites/config");

    [Theory]
    [InlineData("Models", "vehicle-type")]
    [InlineData("TopLabels", "5")]
    [InlineData("Prefix", "camera-images/vehicle-type")]
    [InlineData("Quoted", "it's 5")]
    public void Property_of_an_object_passed_to_a_module_resolves_to_the_parents_default(string setting, string expected)
    {
        Assert.Equal(expected, Config.StringAt("properties", setting));
    }

    [Fact]
    public void Object_variable_resolves_property_by_property()
    {
        var settings = Assert.IsType<JsonObject>(Config.Template.ResolveParameter("settings"));

        Assert.Equal("vehicle-type", (string?)settings["models"]);
        Assert.Equal(5, (int?)settings["topLabels"]);
        Assert.Equal(["frames-", "vehicle-type"], settings["nested"]!["prefixes"]!.AsArray().Select(p => (string?)p));
    }

    [Fact]
    public void Value_only_a_deployment_knows_stays_the_expression_the_parent_passes()
    {
        Assert.Equal("[reference('identity').outputs.clientId.value]", Config.StringAt("properties", "ClientId"));
        Assert.Equal("[format('ClientId={0}', parameters('clientId'))]", Config.StringAt("properties", "Authentication"));
        Assert.Equal("[parameters('location')]", Config.StringAt("properties", "Region"));
    }

    [Fact]
    public void Property_the_object_does_not_have_is_left_unresolved()
    {
        Assert.Equal("[parameters('settings').noSuchSetting]", Config.StringAt("properties", "Missing"));
    }

    private const string LogicJson = """
        {
          "parameters": {
            "restricted": { "type": "bool", "defaultValue": false },
            "ranges": { "type": "array", "defaultValue": [] }
          },
          "variables": {
            "acls": "[if(parameters('restricted'), createObject('defaultAction', 'Deny', 'ipRules', map(parameters('ranges'), lambda('r', createObject('value', lambdaVariables('r')))), 'subnet', resourceId('x', 'y')), createObject('defaultAction', 'Allow'))]",
            "rules": "[map(range(0, length(parameters('ranges'))), lambda('i', createObject('name', format('allowed-{0}', lambdaVariables('i')), 'priority', add(100, lambdaVariables('i')))))]",
            "subnetOrNull": "[if(not(empty(parameters('ranges'))), parameters('ranges')[0], null())]"
          },
          "resources": {}
        }
        """;

    private static readonly ArmTemplate Logic = ArmTemplate.Parse(LogicJson, "logic.json");

    [Fact]
    public void A_condition_chooses_its_branch_and_an_object_keeps_an_unknown_member_as_its_expression()
    {
        var off = Assert.IsType<JsonObject>(Logic.ResolveVariable("acls"));
        Assert.Equal("Allow", (string?)off["defaultAction"]);

        var on = Assert.IsType<JsonObject>(Logic.WithParameters(new Dictionary<string, JsonNode?>
        {
            ["restricted"] = true,
            ["ranges"] = new JsonArray("203.0.113.7", "198.51.100.0/24"),
        }).ResolveVariable("acls"));
        Assert.Equal("Deny", (string?)on["defaultAction"]);
        Assert.Equal(["203.0.113.7", "198.51.100.0/24"], on["ipRules"]!.AsArray().Select(r => (string?)r!["value"]));
        Assert.Equal("[resourceId('x', 'y')]", (string?)on["subnet"]);
    }

    [Fact]
    public void Map_over_a_range_evaluates_the_lambda_for_each_index()
    {
        var rules = Assert.IsType<JsonArray>(Logic.WithParameters(new Dictionary<string, JsonNode?> { ["ranges"] = new JsonArray("a", "b") }).ResolveVariable("rules"));

        Assert.Equal(["allowed-0", "allowed-1"], rules.Select(r => (string?)r!["name"]));
        Assert.Equal([100L, 101L], rules.Select(r => (long)r!["priority"]!));
    }

    [Fact]
    public void Null_is_a_value_and_given_parameters_replace_the_defaults()
    {
        Assert.Null(Logic.ResolveVariable("subnetOrNull"));
        Assert.Equal("a", (string?)Logic.WithParameters(new Dictionary<string, JsonNode?> { ["ranges"] = new JsonArray("a") }).ResolveVariable("subnetOrNull"));
    }
}
