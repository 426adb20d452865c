using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

/// <summary>
/// Every role assignment of the rbac module, expanded (loops included) to who gets which role
/// on what, against the table of what each principal needs and nothing more.
/// </summary>
[Collection(CompiledTemplatesDefinition.Name)]
public partial class RbacTemplateTests(CompiledTemplates compiled)
{
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string BlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string TableDataReader = "76199698-9eea-4c19-bc75-cec21354c6b6";
    private const string MetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string QueueDataReader = "19e7f393-937e-4f77-808e-94535e297925";
    private const string QueueMessageProcessor = "8a0f0c08-91a1-4084-bc3d-661d67233fed";
    private const string QueueMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";

    /// <summary>How the reader names a role scoped to one queue (rbac-models.bicep).</summary>
    private const string OneQueue = "Microsoft.Storage/storageAccounts/queueServices/queues";

    private const string App = "appPrincipalId";
    private const string User = "userPrincipalId";
    private const string EventGrid = "eventGridPrincipalId";

    /// <summary>Role names for messages.</summary>
    private static readonly Dictionary<string, string> RoleNames = new(StringComparer.Ordinal)
    {
        [BlobDataOwner] = "Storage Blob Data Owner",
        [BlobDataContributor] = "Storage Blob Data Contributor",
        [BlobDataReader] = "Storage Blob Data Reader",
        [QueueDataContributor] = "Storage Queue Data Contributor",
        [TableDataContributor] = "Storage Table Data Contributor",
        [TableDataReader] = "Storage Table Data Reader",
        [MetricsPublisher] = "Monitoring Metrics Publisher",
        [QueueDataReader] = "Storage Queue Data Reader",
        [QueueMessageProcessor] = "Storage Queue Data Message Processor",
        [QueueMessageSender] = "Storage Queue Data Message Sender",
    };

    /// <summary>The whole table: principal, role, scope ("account", "appinsights" or "container:&lt;name&gt;").</summary>
    public static TheoryData<string, string, string> ExpectedGrants() => new()
    {
        // The app identity: a blob role per container, queue and table roles for the host on the account.
        { App, BlobDataContributor, "container:app-package-*" },
        { App, BlobDataContributor, "container:azure-webjobs-hosts" },
        { App, BlobDataContributor, "container:azure-webjobs-secrets" },
        { App, BlobDataReader, "container:camera-images" },
        { App, BlobDataContributor, "container:classifications" },
        { App, BlobDataContributor, "container:rejected" },
        { App, QueueDataContributor, "account" },
        { App, TableDataContributor, "account" },
        { App, MetricsPublisher, "appinsights" },

        // The app identity for the model repository and training jobs (rbac-models.bicep): a role per
        // container, and on the training queue and its poison queue only what the code does.
        { App, BlobDataContributor, "container:models" },
        { App, BlobDataContributor, "container:training-jobs" },
        { App, BlobDataReader, "container:training-data" },
        { App, QueueDataReader, OneQueue },
        { App, QueueMessageProcessor, OneQueue },
        { App, QueueMessageSender, OneQueue },
        { App, QueueMessageSender, OneQueue },

        // The same for reclassifying history (issue 17): its jobs container, its queue and poison queue.
        { App, BlobDataContributor, "container:reclassifications" },
        { App, QueueDataReader, OneQueue },
        { App, QueueMessageProcessor, OneQueue },
        { App, QueueMessageSender, OneQueue },
        { App, QueueMessageSender, OneQueue },

        // Event Grid's system topic: dead letters only.
        { EventGrid, BlobDataContributor, "container:dead-letter" },

        // The deploying principal, when allowed: uploads, results, dead letters, the host's queues and tables.
        { User, BlobDataContributor, "container:camera-images" },
        { User, BlobDataReader, "container:classifications" },
        { User, BlobDataReader, "container:rejected" },
        { User, BlobDataReader, "container:dead-letter" },
        { User, QueueDataContributor, "account" },
        { User, TableDataReader, "account" },
        { User, MetricsPublisher, "appinsights" },
    };

    [Theory]
    [MemberData(nameof(ExpectedGrants))]
    public void Principal_is_granted_the_role_on_the_scope(string principal, string roleId, string scope)
    {
        Assert.True(
            Grants().Any(g => g.Principal == principal && g.RoleId == roleId && Matches(scope, g.Scope)),
            $"{principal} is not granted {RoleNames[roleId]} on {scope}. Granted: {Describe(Grants())}");
    }

    [Fact]
    public void No_principal_gets_a_role_the_table_does_not_list()
    {
        var expected = ExpectedGrants().Select(row => ((string)row[0], (string)row[1], (string)row[2])).ToList();
        var extra = Grants().Where(g => !expected.Any(e => e.Item1 == g.Principal && e.Item2 == g.RoleId && Matches(e.Item3, g.Scope))).ToList();

        Assert.True(extra.Count == 0, $"Not in the table: {Describe(extra)}");
        Assert.Equal(expected.Count, Grants().Count);
    }

    [Fact]
    public void No_one_is_Storage_Blob_Data_Owner_and_no_blob_role_is_granted_on_the_whole_account()
    {
        Assert.DoesNotContain(Grants(), g => g.RoleId == BlobDataOwner);
        Assert.DoesNotContain(Grants(), g => g.Scope == "account" && g.RoleId is BlobDataContributor or BlobDataReader);
    }

    [Fact]
    public void Every_container_a_role_is_granted_on_is_one_the_storage_module_creates()
    {
        var created = StorageTemplateTests.CreatedContainerNames(compiled.Main);

        foreach (var grant in Grants().Where(g => g.Scope.StartsWith("container:", StringComparison.Ordinal)))
        {
            Assert.Contains(grant.Scope["container:".Length..], created);
        }
    }

    [Fact]
    public void Every_assignment_is_named_by_guid_of_scope_principal_and_role()
    {
        var assignments = Assignments().ToList();
        Assert.NotEmpty(assignments);

        foreach (var assignment in assignments)
        {
            var name = assignment.RawName;
            var principal = (string?)assignment.Json["properties"]!["principalId"];
            var role = RoleArgument().Match((string?)assignment.Json["properties"]!["roleDefinitionId"] ?? "");
            var scope = (string?)assignment.Json["scope"] ?? "";

            Assert.StartsWith("[guid(", name, StringComparison.Ordinal);
            Assert.True(role.Success, $"Unexpected roleDefinitionId in {name}.");
            Assert.Equal($"[guid({scope[1..^1]}, {principal![1..^1]}, {role.Groups["arg"].Value})]", name);
        }
    }

    [Fact]
    public void Deploying_user_gets_roles_only_when_allowed_and_given()
    {
        var user = Assignments().Where(a => PrincipalOf(a) == User).ToList();

        Assert.NotEmpty(user);
        foreach (var assignment in user)
        {
            Assert.Equal("[variables('grantUser')]", (string?)assignment.Json["condition"]);
        }

        Assert.Equal(
            "[and(parameters('allowUserIdentityPrincipal'), not(empty(parameters('userPrincipalId'))))]",
            (string?)Rbac.Variables["grantUser"]);
    }

    [Fact]
    public void App_and_Event_Grid_assignments_are_of_type_ServicePrincipal()
    {
        var identities = Assignments().Where(a => PrincipalOf(a) is App or EventGrid).ToList();

        Assert.NotEmpty(identities);
        Assert.All(identities, a => Assert.Equal("ServicePrincipal", (string?)a.Json["properties"]!["principalType"]));
    }

    [Fact]
    public void Event_Grid_principal_is_the_system_topics_own_identity()
    {
        var topic = compiled.Main.Single("Microsoft.EventGrid/systemTopics");

        Assert.Equal("SystemAssigned", topic.StringAt("identity", "type"));
        Assert.Contains("outputs.principalId", (string?)Rbac.SuppliedParameters![EventGrid]!["value"], StringComparison.Ordinal);
        Assert.Contains("reference('eventGrid')", (string?)Rbac.SuppliedParameters![EventGrid]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void Deploying_principal_assignments_leave_principalType_out_when_the_type_is_unknown()
    {
        var user = Assignments().Where(a => PrincipalOf(a) == User).ToList();

        Assert.NotEmpty(user);
        foreach (var assignment in user)
        {
            var type = (string?)assignment.Json["properties"]!["principalType"];
            var expression = type is ['[', .. var name, ']'] && name.StartsWith("variables('", StringComparison.Ordinal)
                ? (string?)Rbac.Variables[name["variables('".Length..^"')".Length]]
                : type;
            Assert.Equal("[if(empty(parameters('userPrincipalType')), null(), parameters('userPrincipalType'))]", expression);
        }

        // Unknown ('') is the default all the way from main.bicep, never 'User'.
        Assert.Equal("", (string?)compiled.Main.Parameters["principalType"]!["defaultValue"]);
        Assert.Equal("", (string?)Rbac.Parameters["userPrincipalType"]!["defaultValue"]);
        Assert.Equal("[parameters('principalType')]", (string?)Rbac.SuppliedParameters!["userPrincipalType"]!["value"]);
        Assert.Equal(
            ["", "User", "ServicePrincipal", "Group"],
            compiled.Main.Parameters["principalType"]!["allowedValues"]!.AsArray().Select(v => (string?)v));
    }

    private ArmTemplate Rbac => compiled.Main.SelfAndModules().Single(t => t.Name == "rbac");

    private IEnumerable<ArmResource> Assignments() => compiled.Main.ResourcesOfType("Microsoft.Authorization/roleAssignments");

    private List<Grant> Grants() => [.. Assignments().SelectMany(Expand)];

    private static string? PrincipalOf(ArmResource assignment) =>
        PrincipalParameter().Match((string?)assignment.Json["properties"]!["principalId"] ?? "") is { Success: true } m ? m.Groups["name"].Value : null;

    /// <summary>One grant per copy of an assignment: its principal parameter, role and scope, resolved with the defaults.</summary>
    private static IEnumerable<Grant> Expand(ArmResource assignment)
    {
        var principal = PrincipalOf(assignment) ?? "?";
        var role = RoleArgument().Match((string?)assignment.Json["properties"]!["roleDefinitionId"] ?? "");
        Assert.True(role.Success, $"Unexpected roleDefinitionId in {assignment.RawName}.");
        var scope = (string?)assignment.Json["scope"] ?? "";

        var count = 1;
        if (assignment.Json["copy"]?["count"] is { } countNode)
        {
            var resolved = assignment.Template.ResolveString(countNode);
            Assert.True(int.TryParse(resolved, out count), $"The loop of {assignment.RawName} has no known length: {resolved}");
        }

        for (var i = 0; i < count; i++)
        {
            var index = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var roleId = Evaluate(assignment.Template, role.Groups["arg"].Value, index);
            yield return new Grant(principal, roleId ?? role.Groups["arg"].Value, ScopeOf(assignment.Template, scope, index));
        }
    }

    /// <summary>"account", "appinsights", or "container:&lt;name&gt;" for a scope expression.</summary>
    private static string ScopeOf(ArmTemplate template, string scope, string index)
    {
        var match = ResourceIdScope().Match(scope);
        Assert.True(match.Success, $"Scope {scope} is not a resourceId(...).");
        var arguments = SplitArguments(match.Groups["args"].Value);
        return match.Groups["type"].Value switch
        {
            "Microsoft.Storage/storageAccounts" => "account",
            "Microsoft.Insights/components" => "appinsights",
            "Microsoft.Storage/storageAccounts/blobServices/containers" => "container:" + (Evaluate(template, arguments[^1], index) ?? arguments[^1]),
            var other => other,
        };
    }

    private static string? Evaluate(ArmTemplate template, string expression, string index) =>
        template.ResolveString(JsonValue.Create($"[{expression.Replace("copyIndex()", index, StringComparison.Ordinal)}]"));

    /// <summary>The top-level arguments of a function call's argument list.</summary>
    private static List<string> SplitArguments(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '(' or '[')
            {
                depth++;
            }
            else if (!quoted && c is ')' or ']')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && c == ',')
            {
                parts.Add(text[start..i].Trim());
                start = i + 1;
            }
        }

        parts.Add(text[start..].Trim());
        return parts;
    }

    /// <summary>A scope pattern from the table ("container:app-package-*") against a grant's scope.</summary>
    /// <remarks>The deployment container's name holds uniqueString(), so it stays an expression: "*" matches it by its literal part.</remarks>
    private static bool Matches(string pattern, string scope) =>
        pattern.EndsWith('*')
            ? scope.StartsWith("container:", StringComparison.Ordinal) && scope.Contains(pattern["container:".Length..^1], StringComparison.Ordinal)
            : pattern == scope;

    private static string Describe(IEnumerable<Grant> grants) =>
        string.Join("; ", grants.Select(g => $"{g.Principal} {RoleNames.GetValueOrDefault(g.RoleId, g.RoleId)} on {g.Scope}"));

    private sealed record Grant(string Principal, string RoleId, string Scope);

    // subscriptionResourceId('Microsoft.Authorization/roleDefinitions', <arg>)
    [GeneratedRegex(@"roleDefinitions',\s*(?<arg>.+)\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArgument();

    [GeneratedRegex(@"^\[parameters\('(?<name>\w+)'\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex PrincipalParameter();

    [GeneratedRegex(@"^\[resourceId\('(?<type>[^']+)',\s*(?<args>.+)\)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceIdScope();
}
