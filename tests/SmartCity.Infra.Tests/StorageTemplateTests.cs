using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

[Collection(CompiledTemplatesDefinition.Name)]
public class StorageTemplateTests(CompiledTemplates compiled)
{
    private ArmResource Account => compiled.Main.Single("Microsoft.Storage/storageAccounts");

    [Theory]
    [InlineData("allowSharedKeyAccess", "false")]
    [InlineData("allowBlobPublicAccess", "false")]
    [InlineData("supportsHttpsTrafficOnly", "true")]
    [InlineData("minimumTlsVersion", "TLS1_2")]
    public void Storage_account_security_setting_is_enforced(string property, string expected)
    {
        Assert.Equal(expected, Account.StringAt("properties", property), ignoreCase: true);
    }

    [Fact]
    public void Storage_account_is_general_purpose_v2()
    {
        Assert.Equal("StorageV2", Account.StringAt("kind"));
    }

    [Fact]
    public void Deleted_blobs_and_containers_are_kept_for_the_soft_delete_parameter_days()
    {
        var blobService = compiled.Main.Single("Microsoft.Storage/storageAccounts/blobServices");

        Assert.Equal("true", blobService.StringAt("properties", "deleteRetentionPolicy", "enabled"));
        Assert.StartsWith("[parameters(", (string?)blobService.Json["properties"]!["deleteRetentionPolicy"]!["days"], StringComparison.Ordinal);
        Assert.Equal(DefaultOf("blobSoftDeleteRetentionDays"), blobService.StringAt("properties", "deleteRetentionPolicy", "days"));
        Assert.Equal("true", blobService.StringAt("properties", "containerDeleteRetentionPolicy", "enabled"));
    }

    [Theory]
    [InlineData("camera-images")]
    [InlineData("classifications")]
    [InlineData("rejected")]
    [InlineData("dead-letter")]
    [InlineData("azure-webjobs-hosts")]
    [InlineData("azure-webjobs-secrets")]
    public void Blob_container_is_created(string name)
    {
        Assert.Contains(name, CreatedContainerNames(compiled.Main));
    }

    [Fact]
    public void Deployment_package_container_is_created_and_is_the_one_the_app_deploys_from()
    {
        var deploymentContainer = Assert.Single(CreatedContainerNames(compiled.Main), n => n.Contains("app-package-", StringComparison.Ordinal));

        var site = compiled.Main.Single("Microsoft.Web/sites");
        var packageUrl = (string?)site.Json["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["value"];
        Assert.Contains("parameters('deploymentContainerName')", packageUrl, StringComparison.Ordinal);
        Assert.Equal(deploymentContainer, site.Template.ResolveString(JsonValue.Create("[parameters('deploymentContainerName')]")));
    }

    [Fact]
    public void Containers_are_private()
    {
        var containers = compiled.Main.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Equal("None", containers.StringAt("properties", "publicAccess"));
    }

    [Fact]
    public void Classifications_table_is_created()
    {
        Assert.Contains("classifications", CreatedTableNames(compiled.Main));
    }

    [Fact]
    public void Lifecycle_rule_deletes_camera_images_after_the_retention_parameter()
    {
        var policy = compiled.Main.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        var rules = Assert.IsType<JsonArray>(policy.Json["properties"]!["policy"]!["rules"]);
        var rule = Assert.Single(rules)!;
        var definition = rule["definition"]!;

        Assert.True(rule["enabled"]!.GetValue<bool>());
        var prefixes = Assert.IsType<JsonArray>(policy.Template.Resolve(definition["filters"]!["prefixMatch"]));
        Assert.Equal(["camera-images/"], prefixes.Select(p => (string?)p));

        var days = definition["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"];
        Assert.StartsWith("[parameters(", (string?)days, StringComparison.Ordinal);
        Assert.Equal("30", policy.Template.ResolveString(days));
        Assert.Equal("30", DefaultOf("imageRetentionDays"));
    }

    /// <summary>Names the storage module's container loop creates, resolved with default parameters.</summary>
    internal static IReadOnlyList<string> CreatedContainerNames(ArmTemplate main) =>
        LoopNames(main.Single("Microsoft.Storage/storageAccounts/blobServices/containers"));

    internal static IReadOnlyList<string> CreatedTableNames(ArmTemplate main) =>
        LoopNames(main.Single("Microsoft.Storage/storageAccounts/tableServices/tables"));

    private static List<string> LoopNames(ArmResource resource)
    {
        // e.g. [format('{0}/{1}/{2}', parameters('name'), 'default', parameters('containerNames')[copyIndex()])]
        var match = System.Text.RegularExpressions.Regex.Match(resource.RawName, @"parameters\('(?<p>\w+)'\)\[copyIndex\(\)\]");
        Assert.True(match.Success, $"{resource.Type} is not a loop over a parameter: {resource.RawName}");
        var names = Assert.IsType<JsonArray>(resource.Template.ResolveParameter(match.Groups["p"].Value));
        return names.Select(n => (string?)n ?? "").ToList();
    }

    private string? DefaultOf(string mainParameter) =>
        compiled.Main.Parameters[mainParameter]?["defaultValue"]?.ToJsonString();
}
