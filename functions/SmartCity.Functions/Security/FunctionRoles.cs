namespace SmartCity.Functions.Security;

/// <summary>
/// Which functions require an app role when Easy Auth is on. Functions not listed (prediction,
/// models, Open Inference, health) stay open to any caller the host lets in: a function key, or
/// any authenticated caller. The model repository and training routes are admin level for the
/// host (the master key) and, with Easy Auth on, need <see cref="AppRoles.ModelsManage"/> too.
/// </summary>
public static class FunctionRoles
{
    /// <summary>Function name to the role it requires.</summary>
    public static IReadOnlyDictionary<string, string> Required { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ListCameras"] = AppRoles.CamerasRead,
        ["GetCameraClassifications"] = AppRoles.CamerasRead,
        ["GetCameraSummary"] = AppRoles.CamerasRead,
        ["V2RepositoryIndex"] = AppRoles.ModelsManage,
        ["V2RepositoryModelLoad"] = AppRoles.ModelsManage,
        ["V2RepositoryModelUnload"] = AppRoles.ModelsManage,
        ["PublishModelVersion"] = AppRoles.ModelsManage,
        ["SetModelDefault"] = AppRoles.ModelsManage,
        ["RollBackModelDefault"] = AppRoles.ModelsManage,
        ["RetireModelVersion"] = AppRoles.ModelsManage,
        ["GetModelHistory"] = AppRoles.ModelsManage,
        ["CreateTrainingJob"] = AppRoles.ModelsManage,
        ["GetTrainingJob"] = AppRoles.ModelsManage,
        ["CreateCalibrationJob"] = AppRoles.ModelsManage,
        ["GetCalibrationJob"] = AppRoles.ModelsManage,
        ["CreateReclassification"] = AppRoles.ModelsManage,
        ["GetReclassification"] = AppRoles.ModelsManage,
        ["ListReclassifications"] = AppRoles.ModelsManage,
    };

    /// <summary>The role a function requires, or null.</summary>
    public static string? For(string functionName) => Required.GetValueOrDefault(functionName);
}
