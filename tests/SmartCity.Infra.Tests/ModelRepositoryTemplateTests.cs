using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

/// <summary>
/// What the model repository and the training jobs need in Azure (issue 13): their containers and
/// queues, the ModelStorage connection by identity, and the app's roles, each scoped to the one
/// container or queue it is for.
/// </summary>
[Collection(CompiledTemplatesDefinition.Name)]
public partial class ModelRepositoryTemplateTests(CompiledTemplates compiled)
{
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string BlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string QueueDataReader = "19e7f393-937e-4f77-808e-94535e297925";
    private const string QueueMessageProcessor = "8a0f0c08-91a1-4084-bc3d-661d67233fed";
    private const string QueueMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";

    private const string ContainerType = "Microsoft.Storage/storageAccounts/blobServices/containers";
    private const string QueueType = "Microsoft.Storage/storageAccounts/queueServices/queues";

    [Theory]
    [InlineData("ModelRepository__Container", "models")]
    [InlineData("Training__DataContainer", "training-data")]
    [InlineData("Training__JobsContainer", "training-jobs")]
    [InlineData("Reclassify__JobsContainer", "reclassifications")]
    public void Container_of_the_setting_is_created(string setting, string name)
    {
        Assert.Equal(name, FunctionAppTemplateTests.ResolvedSetting(compiled.Main, setting));
        Assert.Contains(name, StorageTemplateTests.CreatedContainerNames(compiled.Main));
    }

    [Fact]
    public void Training_queue_of_the_setting_and_its_poison_queue_are_created()
    {
        var queue = FunctionAppTemplateTests.ResolvedSetting(compiled.Main, "TrainingJobsQueue");
        Assert.Equal("training-jobs", queue);
        Assert.Equal([queue!, $"{queue}-poison"], CreatedQueueNames().Take(2));
    }

    [Fact]
    public void Reclassify_queue_of_the_setting_and_its_poison_queue_are_created()
    {
        var queue = FunctionAppTemplateTests.ResolvedSetting(compiled.Main, "ReclassifyQueue");
        Assert.Equal("camera-reclassify", queue);
        Assert.Equal([queue!, $"{queue}-poison"], CreatedQueueNames().Skip(2));
    }

    [Fact]
    public void ModelStorage_is_identity_based_on_the_app_identity()
    {
        var settings = FunctionAppTemplateTests.AppSettings(compiled.Main);
        foreach (var suffix in FunctionAppTemplateTests.IdentitySuffixes)
        {
            Assert.True(settings.ContainsKey("ModelStorage" + suffix), $"No app setting ModelStorage{suffix}.");
        }

        Assert.False(settings.ContainsKey("ModelStorage"));
        Assert.Equal("managedidentity", FunctionAppTemplateTests.ResolvedSetting(compiled.Main, "ModelStorage__credential"));
        Assert.Contains("outputs.queueEndpoint", FunctionAppTemplateTests.ResolvedSetting(compiled.Main, "ModelStorage__queueServiceUri"), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> ScopedRoles() => new()
    {
        { BlobDataContributor, ContainerType, "models" },
        { BlobDataContributor, ContainerType, "training-jobs" },
        { BlobDataReader, ContainerType, "training-data" },
        { QueueDataReader, QueueType, "training-jobs" },
        { QueueMessageProcessor, QueueType, "training-jobs" },
        { QueueMessageSender, QueueType, "training-jobs" },
        { QueueMessageSender, QueueType, "training-jobs-poison" },
        { BlobDataContributor, ContainerType, "reclassifications" },
        { QueueDataReader, QueueType, "camera-reclassify" },
        { QueueMessageProcessor, QueueType, "camera-reclassify" },
        { QueueMessageSender, QueueType, "camera-reclassify" },
        { QueueMessageSender, QueueType, "camera-reclassify-poison" },
    };

    [Theory]
    [MemberData(nameof(ScopedRoles))]
    public void App_identity_has_the_role_on_exactly_that_container_or_queue(string roleId, string scopeType, string scopeName)
    {
        Assert.Contains((roleId, scopeType, scopeName), AppAssignments());
    }

    [Fact]
    public void The_model_and_training_roles_are_these_and_no_wider()
    {
        var expected = ScopedRoles().Select(r => ((string)r[0], (string)r[1], (string)r[2])).Order();
        Assert.Equal(expected, AppAssignments().Order());
    }

    [Fact]
    public void Function_app_waits_for_the_model_roles()
    {
        var app = compiled.Main.Template["resources"]!.AsObject().Select(p => p.Value!).Single(r => (string?)r["name"] == "functionapp");
        Assert.Contains("rbacModels", app["dependsOn"]!.AsArray().Select(d => (string?)d));
    }

    /// <summary>(role, scope type, scope name) of every assignment of the model roles module.</summary>
    private List<(string Role, string Type, string Name)> AppAssignments()
    {
        var module = Assert.Single(compiled.Main.SelfAndModules(), t => t.Name == "rbac-models");
        var assignments = new List<(string, string, string)>();
        foreach (var assignment in compiled.Main.ResourcesOfType("Microsoft.Authorization/roleAssignments").Where(a => a.Template.Name == module.Name))
        {
            Assert.Equal("[parameters('appPrincipalId')]", (string?)assignment.Json["properties"]!["principalId"]);
            Assert.Equal("ServicePrincipal", (string?)assignment.Json["properties"]!["principalType"]);
            var role = RoleVariable().Match((string?)assignment.Json["properties"]!["roleDefinitionId"] ?? "");
            var scope = ScopeResource().Match((string?)assignment.Json["scope"] ?? "");
            Assert.True(role.Success && scope.Success, $"Unexpected role or scope in {assignment.RawName}.");
            var name = module.ResolveParameter(scope.Groups["param"].Value)?.ToString() ?? "";
            assignments.Add(((string?)module.ResolveVariable(role.Groups["var"].Value) ?? "", scope.Groups["type"].Value, name));
        }

        return assignments;
    }

    private List<string> CreatedQueueNames()
    {
        var queues = compiled.Main.Single(QueueType);
        var match = Regex.Match(queues.RawName, @"parameters\('(?<p>\w+)'\)\[copyIndex\(\)\]");
        Assert.True(match.Success, $"The queues are not a loop over a parameter: {queues.RawName}");
        return [.. Assert.IsType<JsonArray>(queues.Template.ResolveParameter(match.Groups["p"].Value)).Select(n => (string?)n ?? "")];
    }

    [GeneratedRegex(@"roleDefinitions',\s*variables\('(?<var>\w+)'\)\)", RegexOptions.CultureInvariant)]
    private static partial Regex RoleVariable();

    [GeneratedRegex(@"^\[resourceId\('(?<type>[^']+)',.*parameters\('(?<param>\w+)'\)\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex ScopeResource();
}
