namespace SmartCity.Functions.Security;

/// <summary>
/// Whether App Service authentication (Easy Auth) with Entra ID runs in front of the app, bound
/// from the <c>EasyAuth</c> section (<c>EasyAuth__Enabled</c>, set by the Bicep from
/// <c>entraAuthEnabled</c>). Only then does the platform strip client-sent
/// <c>X-MS-CLIENT-PRINCIPAL</c> headers, so only then may the app trust the header, and the
/// camera routes require their role.
/// </summary>
public sealed class EasyAuthOptions
{
    public const string Section = "EasyAuth";

    /// <summary>Easy Auth is on: routes in <see cref="FunctionRoles"/> need a principal with the role.</summary>
    public bool Enabled { get; set; }
}
