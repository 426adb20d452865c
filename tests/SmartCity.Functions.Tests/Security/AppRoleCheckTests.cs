using Microsoft.AspNetCore.Mvc;
using SmartCity.Functions.Security;

namespace SmartCity.Functions.Tests.Security;

public class AppRoleCheckTests
{
    private const string Path = "/api/cameras/cam-1/classifications";

    [Fact]
    public void A_principal_with_the_role_passes()
    {
        var context = PrincipalHeaders.Request(Path, PrincipalHeaders.For(roles: [AppRoles.CamerasRead]));

        Assert.Null(AppRoleCheck.Check(context.Request, AppRoles.CamerasRead));
    }

    [Fact]
    public async Task A_principal_without_the_role_is_answered_403_problem_naming_the_role()
    {
        var context = PrincipalHeaders.Request(Path, PrincipalHeaders.For(roles: [AppRoles.ModelsManage]));

        var response = await Answer(context);

        Assert.Equal(403, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("urn:smartcity:problem:forbidden", response.Json.GetProperty("type").GetString());
        Assert.Equal(403, response.Json.GetProperty("status").GetInt32());
        Assert.Contains("'Cameras.Read'", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(Path, response.Json.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task A_request_with_no_principal_a_function_key_alone_is_answered_401_with_a_bearer_challenge()
    {
        var context = PrincipalHeaders.Request(Path, null);
        context.Request.Headers["x-functions-key"] = "camera-ops-key";

        var response = await Answer(context);

        Assert.Equal(401, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("urn:smartcity:problem:unauthenticated", response.Json.GetProperty("type").GetString());
        Assert.Equal("Bearer", response.Headers.WWWAuthenticate.ToString());
        Assert.DoesNotContain("camera-ops-key", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("google")]
    [InlineData("github")]
    public async Task Roles_from_another_identity_provider_do_not_count(string provider)
    {
        var context = PrincipalHeaders.Request(Path, PrincipalHeaders.For(provider: provider, roles: [AppRoles.CamerasRead]));

        Assert.Equal(401, (await Answer(context)).Status);
    }

    [Fact]
    public async Task An_unreadable_principal_header_is_no_principal()
    {
        var context = PrincipalHeaders.Request(Path, "garbage");

        Assert.Equal(401, (await Answer(context)).Status);
    }

    private static Task<HttpTestHost.Response> Answer(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var result = AppRoleCheck.Check(context.Request, AppRoles.CamerasRead);
        Assert.NotNull(result);
        return HttpTestHost.InvokeAsync(context, () => (IActionResult)result);
    }
}
