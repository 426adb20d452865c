using SmartCity.Functions.Security;

namespace SmartCity.Functions.Tests.Security;

public class ClientPrincipalTests
{
    [Theory]
    [InlineData("roles")]
    [InlineData(PrincipalHeaders.RoleClaimType)]
    public void Roles_are_read_from_the_tokens_roles_claim_or_the_principals_role_type(string claimType)
    {
        var principal = ClientPrincipal.Parse(PrincipalHeaders.For(roleClaimType: claimType, roles: [AppRoles.CamerasRead, AppRoles.ModelsManage]));

        Assert.NotNull(principal);
        Assert.Equal("aad", principal.IdentityProvider);
        Assert.True(principal.IsInRole(AppRoles.CamerasRead));
        Assert.True(principal.IsInRole(AppRoles.ModelsManage));
        Assert.Equal(2, principal.Roles.Count);
    }

    [Fact]
    public void Other_claims_are_not_roles_and_roles_match_exactly()
    {
        var principal = ClientPrincipal.Parse(PrincipalHeaders.For(roles: ["cameras.read"]))!;

        Assert.False(principal.IsInRole(AppRoles.CamerasRead));
        Assert.False(principal.IsInRole("Camera Operator"));
        Assert.Equal(["cameras.read"], principal.Roles);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")] // "not json"
    [InlineData("e30=")] // {}: no identity provider
    [InlineData("")]
    public void A_value_that_is_not_a_principal_gives_none(string header)
    {
        Assert.Null(ClientPrincipal.Parse(header));
    }

    [Fact]
    public void A_request_without_the_header_has_no_principal()
    {
        Assert.Null(ClientPrincipal.From(PrincipalHeaders.Request("/api/cameras/cam-1/summary", null).Request));
        Assert.NotNull(ClientPrincipal.From(PrincipalHeaders.Request("/api/cameras/cam-1/summary", PrincipalHeaders.For()).Request));
    }
}
