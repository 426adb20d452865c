using System.Text.Json;
using SmartCity.Functions.Security;

namespace SmartCity.Functions.Tests.Security;

/// <summary>infra/entra-app-roles.json, which the app registration is created with (README "Security"), defines the roles the code checks.</summary>
public class AppRegistrationRolesTests
{
    [Fact]
    public void The_app_registration_defines_every_role_the_app_checks_for_users_and_applications()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "infra", "entra-app-roles.json")));
        var roles = document.RootElement.EnumerateArray().ToList();

        Assert.Equal(
            new[] { AppRoles.CamerasRead, AppRoles.ModelsManage }.Order(StringComparer.Ordinal),
            roles.Select(r => r.GetProperty("value").GetString()!).Order(StringComparer.Ordinal));
        Assert.Superset(FunctionRoles.Required.Values.ToHashSet(StringComparer.Ordinal), roles.Select(r => r.GetProperty("value").GetString()!).ToHashSet(StringComparer.Ordinal));
        Assert.All(roles, r =>
        {
            Assert.True(r.GetProperty("isEnabled").GetBoolean());
            Assert.True(Guid.TryParse(r.GetProperty("id").GetString(), out _));
            Assert.Equal(["Application", "User"], r.GetProperty("allowedMemberTypes").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        });
    }
}
