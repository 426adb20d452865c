using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Security;

namespace SmartCity.Functions.Tests.Security;

/// <summary>
/// What the middleware answers instead of running a function, with Easy Auth on and off, and that
/// its table covers exactly the camera routes the app declares (functions.metadata).
/// </summary>
public class AppRoleMiddlewareTests
{
    private static AppRoleMiddleware Middleware(bool easyAuth) =>
        new(Options.Create(new EasyAuthOptions { Enabled = easyAuth }), NullLogger<AppRoleMiddleware>.Instance);

    [Theory]
    [InlineData("ListCameras")]
    [InlineData("GetCameraClassifications")]
    [InlineData("GetCameraSummary")]
    public void With_Easy_Auth_off_nothing_is_refused_and_a_forged_header_changes_nothing(string function)
    {
        var forged = PrincipalHeaders.Request("/api/cameras/cam-1/summary", PrincipalHeaders.For(roles: ["Nothing.Useful"]));
        var none = PrincipalHeaders.Request("/api/cameras/cam-1/summary", null);

        Assert.Null(Middleware(easyAuth: false).RefusalFor(function, forged.Request));
        Assert.Null(Middleware(easyAuth: false).RefusalFor(function, none.Request));
    }

    [Theory]
    [InlineData("ListCameras", null, 401)]
    [InlineData("ListCameras", "Models.Manage", 403)]
    [InlineData("GetCameraClassifications", null, 401)]
    [InlineData("GetCameraClassifications", "Models.Manage", 403)]
    [InlineData("GetCameraSummary", null, 401)]
    [InlineData("GetCameraSummary", "Models.Manage", 403)]
    public async Task With_Easy_Auth_on_camera_routes_refuse_a_caller_without_Cameras_Read(string function, string? role, int status)
    {
        var context = PrincipalHeaders.Request("/api/cameras/cam-1/summary", role is null ? null : PrincipalHeaders.For(roles: [role]));

        var refusal = Middleware(easyAuth: true).RefusalFor(function, context.Request);

        Assert.NotNull(refusal);
        var response = await HttpTestHost.InvokeAsync(context, () => refusal);
        Assert.Equal(status, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ListCameras")]
    [InlineData("GetCameraClassifications")]
    [InlineData("GetCameraSummary")]
    public void With_Easy_Auth_on_camera_routes_run_for_a_caller_with_Cameras_Read(string function)
    {
        var context = PrincipalHeaders.Request("/api/cameras/cam-1/summary", PrincipalHeaders.For(roles: [AppRoles.CamerasRead]));

        Assert.Null(Middleware(easyAuth: true).RefusalFor(function, context.Request));
    }

    [Theory]
    [InlineData("Predict")]
    [InlineData("PredictVersion")]
    [InlineData("V2Infer")]
    [InlineData("ListModels")]
    public void With_Easy_Auth_on_prediction_stays_open_to_key_holders_and_any_authenticated_caller(string function)
    {
        var keyOnly = PrincipalHeaders.Request("/api/models/vehicle-type/predict", null);
        var noRoles = PrincipalHeaders.Request("/api/models/vehicle-type/predict", PrincipalHeaders.For());

        Assert.Null(Middleware(easyAuth: true).RefusalFor(function, keyOnly.Request));
        Assert.Null(Middleware(easyAuth: true).RefusalFor(function, noRoles.Request));
    }

    [Fact]
    public void Every_camera_route_the_app_declares_requires_Cameras_Read_and_the_table_names_only_real_functions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        var triggers = document.RootElement.EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().FirstOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger")))
            .Where(f => f.Trigger.ValueKind == JsonValueKind.Object)
            .ToDictionary(f => f.Name, f => (Route: f.Trigger.GetProperty("route").GetString()!, Level: f.Trigger.GetProperty("authLevel").GetString()));
        var routes = triggers.ToDictionary(t => t.Key, t => t.Value.Route);

        // The camera read routes (the list, results, summary); the admin-level reclassification routes need Models.Manage (the test below).
        var cameraFunctions = triggers.Where(r => (r.Value.Route == "cameras" || r.Value.Route.StartsWith("cameras/", StringComparison.Ordinal)) && r.Value.Level != "Admin").Select(r => r.Key).ToList();
        Assert.Equal(3, cameraFunctions.Count);
        Assert.All(cameraFunctions, name => Assert.Equal(AppRoles.CamerasRead, FunctionRoles.For(name)));
        Assert.All(FunctionRoles.Required.Keys, name => Assert.Contains(name, routes.Keys));
    }

    [Theory]
    [InlineData("V2RepositoryIndex", null, 401)]
    [InlineData("PublishModelVersion", "Cameras.Read", 403)]
    [InlineData("CreateTrainingJob", "Cameras.Read", 403)]
    [InlineData("CreateCalibrationJob", "Cameras.Read", 403)]
    [InlineData("GetCalibrationJob", null, 401)]
    [InlineData("RetireModelVersion", null, 401)]
    public async Task With_Easy_Auth_on_model_management_refuses_a_caller_without_Models_Manage(string function, string? role, int status)
    {
        var context = PrincipalHeaders.Request("/api/models/test/versions", role is null ? null : PrincipalHeaders.For(roles: [role]));

        var refusal = Middleware(easyAuth: true).RefusalFor(function, context.Request);

        Assert.NotNull(refusal);
        Assert.Equal(status, (await HttpTestHost.InvokeAsync(context, () => refusal)).Status);
        Assert.Null(Middleware(easyAuth: true).RefusalFor(function, PrincipalHeaders.Request("/api/models/test/versions", PrincipalHeaders.For(roles: [AppRoles.ModelsManage])).Request));
    }

    [Fact]
    public void Every_admin_level_route_requires_Models_Manage_and_no_other_does()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.FunctionsMetadata));
        var admin = document.RootElement.EnumerateArray()
            .Where(f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger" && b.GetProperty("authLevel").GetString() == "Admin"))
            .Select(f => f.GetProperty("name").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(15, admin.Count);
        Assert.Equal(admin, FunctionRoles.Required.Where(r => r.Value == AppRoles.ModelsManage).Select(r => r.Key).Order(StringComparer.Ordinal));
    }
}
