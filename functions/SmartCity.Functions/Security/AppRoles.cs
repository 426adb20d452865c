namespace SmartCity.Functions.Security;

/// <summary>
/// The app roles of the Entra app registration (their <c>value</c>s; see README "Security" and
/// infra/entra-app-roles.json), as they arrive in a token's <c>roles</c> claim.
/// </summary>
public static class AppRoles
{
    /// <summary>Read any camera's classifications and summaries (camera operators, dashboards).</summary>
    public const string CamerasRead = "Cameras.Read";

    /// <summary>Manage models: the repository index, load and unload, publish, default, roll-back, retire, history and training jobs.</summary>
    public const string ModelsManage = "Models.Manage";
}
