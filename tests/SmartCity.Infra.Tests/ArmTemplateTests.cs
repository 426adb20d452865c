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
}
