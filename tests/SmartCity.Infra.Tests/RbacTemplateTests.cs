using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SmartCity.Infra.Tests;

[Collection(CompiledTemplatesDefinition.Name)]
public partial class RbacTemplateTests(CompiledTemplates compiled)
{
    public static TheoryData<string, string> AppRoles() => new()
    {
        { "Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b" },
        { "Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88" },
        { "Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3" },
        { "Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb" },
    };

    [Theory]
    [MemberData(nameof(AppRoles))]
    public void App_identity_is_granted_the_role(string role, string roleId)
    {
        var granted = Assignments()
            .Where(a => (string?)a.Json["properties"]!["principalId"] == "[parameters('appPrincipalId')]")
            .SelectMany(RoleIds);

        Assert.True(granted.Contains(roleId), $"The app identity is not granted {role} ({roleId}).");
    }

    [Fact]
    public void Monitoring_Metrics_Publisher_is_granted_on_Application_Insights()
    {
        var publisher = Assert.Single(
            Assignments(),
            a => (string?)a.Json["properties"]!["principalId"] == "[parameters('appPrincipalId')]"
                && RoleIds(a).Contains("3913510d-42f4-4e42-8a64-420c390055eb"));

        Assert.Contains("Microsoft.Insights/components", (string?)publisher.Json["scope"], StringComparison.Ordinal);
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

            Assert.StartsWith("[guid(", name, StringComparison.Ordinal);
            Assert.True(role.Success, $"Unexpected roleDefinitionId in {name}.");
            Assert.Contains(principal![1..^1], name, StringComparison.Ordinal);
            Assert.Contains(role.Groups["arg"].Value, name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Deploying_user_gets_the_same_roles_only_when_allowed_and_given()
    {
        var user = Assignments()
            .Where(a => (string?)a.Json["properties"]!["principalId"] == "[parameters('userPrincipalId')]")
            .ToList();

        Assert.Equal(
            AppRoles().Select(row => (string)row[1]).Order(),
            user.SelectMany(RoleIds).Distinct().Order());
        foreach (var assignment in user)
        {
            Assert.Contains("variables('grantUser')", (string?)assignment.Json["condition"], StringComparison.Ordinal);
        }

        Assert.Contains("parameters('allowUserIdentityPrincipal')", (string?)compiled.Main.SelfAndModules().Single(t => t.Name == "rbac").Variables["grantUser"], StringComparison.Ordinal);
    }

    [Fact]
    public void App_identity_assignments_are_of_type_ServicePrincipal()
    {
        var app = Assignments()
            .Where(a => (string?)a.Json["properties"]!["principalId"] == "[parameters('appPrincipalId')]")
            .ToList();

        Assert.NotEmpty(app);
        Assert.All(app, a => Assert.Equal("ServicePrincipal", (string?)a.Json["properties"]!["principalType"]));
    }

    [Fact]
    public void Deploying_principal_assignments_leave_principalType_out_when_the_type_is_unknown()
    {
        var rbac = compiled.Main.SelfAndModules().Single(t => t.Name == "rbac");
        var user = Assignments()
            .Where(a => (string?)a.Json["properties"]!["principalId"] == "[parameters('userPrincipalId')]")
            .ToList();

        Assert.NotEmpty(user);
        foreach (var assignment in user)
        {
            var type = (string?)assignment.Json["properties"]!["principalType"];
            var expression = type is ['[', .. var name, ']'] && name.StartsWith("variables('", StringComparison.Ordinal)
                ? (string?)rbac.Variables[name["variables('".Length..^"')".Length]]
                : type;
            Assert.Equal("[if(empty(parameters('userPrincipalType')), null(), parameters('userPrincipalType'))]", expression);
        }

        // Unknown ('') is the default all the way from main.bicep, never 'User'.
        Assert.Equal("", (string?)compiled.Main.Parameters["principalType"]!["defaultValue"]);
        Assert.Equal("", (string?)rbac.Parameters["userPrincipalType"]!["defaultValue"]);
        Assert.Equal("[parameters('principalType')]", (string?)rbac.SuppliedParameters!["userPrincipalType"]!["value"]);
        Assert.Equal(
            ["", "User", "ServicePrincipal", "Group"],
            compiled.Main.Parameters["principalType"]!["allowedValues"]!.AsArray().Select(v => (string?)v));
    }

    private IEnumerable<ArmResource> Assignments() => compiled.Main.ResourcesOfType("Microsoft.Authorization/roleAssignments");

    /// <summary>Role definition GUIDs an assignment (or assignment loop) grants.</summary>
    private static IEnumerable<string> RoleIds(ArmResource assignment)
    {
        var match = RoleArgument().Match((string?)assignment.Json["properties"]!["roleDefinitionId"] ?? "");
        if (!match.Success)
        {
            return [];
        }

        var value = assignment.Template.ResolveVariable(match.Groups["var"].Value);
        return match.Groups["loop"].Success
            ? Assert.IsType<JsonArray>(value).Select(v => (string?)v ?? "")
            : [(string?)value ?? ""];
    }

    // subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('x')[copyIndex()])
    [GeneratedRegex(@"roleDefinitions',\s*(?<arg>variables\('(?<var>\w+)'\)(?<loop>\[copyIndex\(\)\])?)\)", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArgument();
}
